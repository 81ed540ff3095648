import { z } from 'zod';
import { checkCertificate } from './certificate.ts';

const endpoints = z
  .object({
    graph: z.url().default('https://graph.microsoft.com'),
    login: z.url().default('https://login.microsoftonline.com'),
    arm: z.url().default('https://management.azure.com'),
    caCert: z.string().optional().describe('PEM of an extra CA to trust (a local simulator’s certificate).'),
  })
  .prefault({})
  .describe('Service addresses; override them to point at a simulator.');

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
  endpoints,
});

const clientSecret = z.object({
  credential: z.literal('clientSecret').optional(),
  clientSecret: z
    .string({ error: 'Give a client secret, or a certificate with `credential: "certificate"`.' })
    .min(1)
    .describe('A client secret of the app registration.'),
});

/** Microsoft's recommended credential: the app signs a client assertion with the certificate's key. */
const certificate = z
  .object({
    credential: z.literal('certificate'),
    certificate: z
      .string()
      .min(1)
      .describe('PEM of the certificate uploaded to the app registration (its private key may follow it).'),
    privateKey: z.string().min(1).optional().describe('PEM of the certificate’s private key, unencrypted.'),
  })
  .superRefine((value, ctx) => {
    const checked = checkCertificate(value.certificate, value.privateKey);
    if (!checked.ok) ctx.addIssue({ code: 'custom', path: [checked.field], message: checked.message });
  });

/** A client secret (as stored before certificates were taken) or a certificate with its private key. */
export const entraSecret = z.discriminatedUnion('credential', [clientSecret, certificate]);

/** The MSP's multi-tenant app, registered in its partner tenant and consented in each customer's. */
export const entraAccountConfig = z.object({
  clientId: z.string().min(1).describe('Application (client) id of the MSP’s multi-tenant app.'),
  partnerTenantId: z
    .string()
    .min(1)
    .describe('The MSP’s partner tenant id (GUID) or initial domain: where the app reads the GDAP relationships.'),
  endpoints,
});

export type EntraConfig = z.infer<typeof entraConfig>;
export type EntraSecret = z.infer<typeof entraSecret>;
export type EntraAccountConfig = z.infer<typeof entraAccountConfig>;
