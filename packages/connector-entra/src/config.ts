import { field, provider } from '@evident/connector-kit';
import { z } from 'zod';
import { checkCertificate } from './certificate.ts';

const GRAPH_APP = '00000003-0000-0000-c000-000000000000';
const GRAPH_PERMISSIONS = [
  'AuditLog.Read.All',
  'Policy.Read.All',
  'Policy.Read.AuthenticationMethod',
  'RoleManagement.Read.Directory',
  'RoleManagementPolicy.Read.Directory',
  'PrivilegedEligibilitySchedule.Read.AzureADGroup',
  'GroupMember.Read.All',
  'Organization.Read.All',
  'User.Read.All',
  'Directory.Read.All',
];

const ids = (title: string, help: string, examples: string[]) =>
  z.array(z.string().min(1)).meta(field({ title, help: `${help} One per line.`, examples, kind: 'lines' }));

const endpoints = z
  .object({
    graph: z
      .url()
      .default('https://graph.microsoft.com')
      .meta(field({ title: 'Microsoft Graph', help: 'https://graph.microsoft.com unless overridden.', kind: 'url' })),
    login: z
      .url()
      .default('https://login.microsoftonline.com')
      .meta(
        field({
          title: 'Identity platform',
          help: 'https://login.microsoftonline.com unless overridden.',
          kind: 'url',
        }),
      ),
    arm: z
      .url()
      .default('https://management.azure.com')
      .meta(
        field({
          title: 'Azure Resource Manager',
          help: 'https://management.azure.com unless overridden.',
          kind: 'url',
        }),
      ),
    caCert: z
      .string()
      .optional()
      .meta(
        field({
          title: 'Extra CA certificate',
          help: 'PEM of an extra certificate authority to trust (a local simulator’s certificate).',
          examples: ['-----BEGIN CERTIFICATE-----'],
          kind: 'pem',
        }),
      ),
  })
  .prefault({})
  .meta(
    field({
      title: 'Service endpoints',
      help: 'Where the connector reaches Microsoft; override them only to point at a simulator.',
      kind: 'endpoints',
    }),
  );

export const entraConfig = z
  .object({
    tenantId: z
      .string()
      .min(1)
      .meta(
        field({
          title: 'Tenant ID',
          help: 'The customer tenant id (a GUID) or its initial domain (contoso.onmicrosoft.com).',
          examples: ['contoso.onmicrosoft.com'],
        }),
      ),
    clientId: z
      .string()
      .min(1)
      .meta(
        field({
          title: 'Application (client) ID',
          help: 'The app registration consented in the tenant; its Overview page shows this id.',
          examples: ['11111111-2222-3333-4444-555555555555'],
        }),
      ),
    mspDomains: ids(
      'Your MSP’s domains',
      "Domains of your own staff's accounts: identities from them are judged as MSP principals (MFA-03). Left empty, that stays unknown.",
      ['contoso-msp.com'],
    ).optional(),
    breakGlass: ids(
      'Break-glass accounts',
      'Emergency-access accounts by UPN or object id; MFA-08 judges them, not MFA-01.',
      ['breakglass@contoso.onmicrosoft.com'],
    ).default([]),
    serviceProviderAccess: z
      .boolean()
      .default(false)
      .meta(
        field({
          title: 'Reached through GDAP',
          help: 'Your technicians sign in as service-provider users (GDAP), who have no account here; MFA-03 judges the policies that reach them.',
        }),
      ),
    mfaCustomControls: ids(
      'Custom MFA controls',
      'Conditional-access custom controls (by id, e.g. a Duo control) that demand a second factor; others count for nothing.',
      ['DuoMFA'],
    ).default([]),
    separateSubscriptions: ids(
      'Separate subscriptions',
      'Azure subscription ids outside the tenant admins’ control (yours or a SOC’s); log destinations there count as a separate boundary. Left empty, the boundary is unknown.',
      ['00000000-0000-0000-0000-000000000000'],
    ).optional(),
    endpoints,
  })
  .meta(
    provider({
      title: 'Microsoft Entra ID',
      summary:
        'Reads the tenant’s users, MFA registration, conditional access, security defaults, privileged roles and where its sign-in and audit logs are kept, through an app registration with read-only Microsoft Graph application permissions.',
      needs: [
        `Application permissions on Microsoft Graph, with admin consent: ${GRAPH_PERMISSIONS.join(', ')}.`,
        'Microsoft Entra ID P1 or P2 for the registration report, conditional access and 30-day logs; P2 or Governance to see who is eligible for privileged roles (PIM). Without them the controls that need them stay unknown.',
        'Monitoring Reader on /providers/Microsoft.aadiam (and Reader on the log destinations) to see where logs are exported and for how long.',
      ],
      commands: [
        'az login --tenant <customer tenant> --allow-no-subscriptions',
        'APP=$(az ad app create --display-name "Evident (read-only)" --sign-in-audience AzureADMyOrg --query appId -o tsv)',
        'az ad sp create --id "$APP"',
        `for p in ${GRAPH_PERMISSIONS.join(' ')}; do az ad app permission add --id "$APP" --api ${GRAPH_APP} --api-permissions "$(az ad sp show --id ${GRAPH_APP} --query "appRoles[?value=='$p'].id" -o tsv)=Role"; done`,
        'az ad app permission admin-consent --id "$APP"',
        'az role assignment create --assignee "$APP" --role "Monitoring Reader" --scope /providers/Microsoft.aadiam',
        'az ad app credential reset --id "$APP" --display-name evident --years 1 --query "{clientId: appId, clientSecret: password, tenantId: tenant}"',
      ],
    }),
  );

const clientSecret = z
  .object({
    credential: z.literal('clientSecret').optional(),
    clientSecret: z
      .string({ error: 'Give a client secret, or a certificate with `credential: "certificate"`.' })
      .min(1)
      .meta(
        field({
          title: 'Client secret',
          help: 'A client secret of the app registration (its value, not its id), from Certificates & secrets.',
          kind: 'secret',
        }),
      ),
  })
  .meta({ title: 'Client secret' });

/** Microsoft's recommended credential: the app signs a client assertion with the certificate's key. */
const certificate = z
  .object({
    credential: z.literal('certificate'),
    certificate: z
      .string()
      .min(1)
      .meta(
        field({
          title: 'Certificate',
          help: 'PEM of the certificate uploaded to the app registration (its private key may follow it).',
          examples: ['-----BEGIN CERTIFICATE-----'],
          kind: 'pem',
        }),
      ),
    privateKey: z
      .string()
      .min(1)
      .optional()
      .meta(
        field({
          title: 'Private key',
          help: 'PEM of the certificate’s private key, unencrypted; leave empty when it follows the certificate.',
          examples: ['-----BEGIN PRIVATE KEY-----'],
          kind: 'pem',
        }),
      ),
  })
  .superRefine((value, ctx) => {
    const checked = checkCertificate(value.certificate, value.privateKey);
    if (!checked.ok) ctx.addIssue({ code: 'custom', path: [checked.field], message: checked.message });
  })
  .meta({ title: 'Certificate (recommended)' });

/** A client secret (as stored before certificates were taken) or a certificate with its private key. */
export const entraSecret = z.discriminatedUnion('credential', [clientSecret, certificate]);

/** The MSP's multi-tenant app, registered in its partner tenant and consented in each customer's. */
export const entraAccountConfig = z.object({
  clientId: z
    .string()
    .min(1)
    .meta(field({ title: 'Application (client) ID', help: 'Application (client) id of the MSP’s multi-tenant app.' })),
  partnerTenantId: z
    .string()
    .min(1)
    .meta(
      field({
        title: 'Partner tenant ID',
        help: 'The MSP’s partner tenant id (GUID) or initial domain: where the app reads the GDAP relationships.',
      }),
    ),
  endpoints,
});

export type EntraConfig = z.infer<typeof entraConfig>;
export type EntraSecret = z.infer<typeof entraSecret>;
export type EntraAccountConfig = z.infer<typeof entraAccountConfig>;
