import { z } from 'zod';

export const entraConfig = z.object({
  tenantId: z.string().min(1).describe('The customer tenant id (GUID) or its initial domain.'),
  clientId: z.string().min(1).describe('Application (client) id of the app registration consented in the tenant.'),
  mspDomains: z
    .array(z.string().min(1))
    .optional()
    .describe("Domains of the MSP's own accounts; identities from them are MSP principals (MFA-03). Absent: unknown."),
  breakGlass: z
    .array(z.string().min(1))
    .default([])
    .describe('Emergency-access accounts by UPN or object id; they are judged by MFA-08, not MFA-01.'),
  serviceProviderAccess: z
    .boolean()
    .default(false)
    .describe(
      'The MSP reaches this tenant through GDAP: its technicians sign in as service-provider users, who have no account here; MFA-03 judges the policies that reach them.',
    ),
  mfaCustomControls: z
    .array(z.string().min(1))
    .default([])
    .describe(
      'Conditional-access custom controls (by id, e.g. a Duo control) that demand a second factor; others count for nothing.',
    ),
  separateSubscriptions: z
    .array(z.string().min(1))
    .optional()
    .describe(
      'Azure subscription ids outside the tenant admins’ control (the MSP’s or a SOC’s); log destinations there count as a separate boundary. Absent: the boundary is unknown.',
    ),
  endpoints: z
    .object({
      graph: z.url().default('https://graph.microsoft.com'),
      login: z.url().default('https://login.microsoftonline.com'),
      arm: z.url().default('https://management.azure.com'),
      caCert: z.string().optional().describe('PEM of an extra CA to trust (a local simulator’s certificate).'),
    })
    .prefault({})
    .describe('Service addresses; override them to point at a simulator.'),
});

export const entraSecret = z.object({
  clientSecret: z.string().min(1).describe('A client secret of the app registration.'),
});

export type EntraConfig = z.infer<typeof entraConfig>;
export type EntraSecret = z.infer<typeof entraSecret>;
