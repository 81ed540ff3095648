import { field, provider } from '@evident/connector-kit';
import { z } from 'zod';

const origin = (title: string, help: string) =>
  z
    .url()
    .optional()
    .meta(field({ title, help, kind: 'url' }));

const emails = (title: string, help: string) =>
  z
    .array(z.string().trim().toLowerCase().min(1))
    .meta(field({ title, help, examples: ['breakglass@contoso.com'], kind: 'lines' }));

export const googleWorkspaceConfig = z
  .object({
    adminEmail: z.email().meta(
      field({
        title: 'Admin to act as',
        help:
          'The administrator the service account impersonates through domain-wide delegation: best a dedicated ' +
          'account holding a custom role with only the read privileges listed above.',
        examples: ['evident-reader@contoso.com'],
      }),
    ),
    customerId: z
      .string()
      .regex(/^(my_customer|C[0-9a-z]{6,})$/, 'expected my_customer or a customer ID such as C03az79cb')
      .default('my_customer')
      .meta(
        field({
          title: 'Customer ID',
          help: 'The Workspace account to read: my_customer (the admin’s own) or the ID under Account settings.',
          examples: ['my_customer', 'C03az79cb'],
        }),
      ),
    breakGlass: emails(
      'Break-glass accounts',
      'Emergency-access accounts, one e-mail per line; they are judged by MFA-08 rather than MFA-01 and MFA-02.',
    ).default([]),
    mspAccounts: emails(
      'MSP accounts',
      'Accounts your MSP uses in this Workspace, one e-mail or @domain per line; unset, which accounts are the MSP’s is unknown.',
    ).optional(),
    endpoints: z
      .object({
        api: origin('Admin SDK', 'Origin of the Admin SDK; https://admin.googleapis.com unless overridden.'),
        token: origin(
          'OAuth token endpoint',
          'Origin where the service-account key is exchanged for tokens; https://oauth2.googleapis.com unless overridden.',
        ),
      })
      .optional()
      .meta(
        field({
          title: 'Service endpoints',
          help: 'Where the connector reaches Google; override them only to point at a simulator.',
          kind: 'endpoints',
        }),
      ),
  })
  .meta(
    provider({
      title: 'Google Workspace',
      summary:
        'Reads each user’s 2-Step Verification enrolment and enforcement, who administers the account (super and ' +
        'delegated admins, through role assignments), and when the login and admin audit logs last saw an event, ' +
        'with a service account acting for a read-only admin.',
      needs: [
        'A service account whose client ID is granted domain-wide delegation (Admin console → Security → API controls) for https://www.googleapis.com/auth/admin.directory.user.readonly, https://www.googleapis.com/auth/admin.directory.rolemanagement.readonly and https://www.googleapis.com/auth/admin.reports.audit.readonly.',
        'An admin to impersonate with a custom role granting Users → Read, Admin roles → Read (Admin API privileges) and Reports.',
      ],
      commands: [
        'gcloud iam service-accounts create evident-workspace --project=<project> --display-name="Evident (Workspace, read-only)"',
        'gcloud services enable admin.googleapis.com --project=<project>',
        'gcloud iam service-accounts keys create evident-workspace.json --iam-account=evident-workspace@<project>.iam.gserviceaccount.com',
        'gcloud iam service-accounts describe evident-workspace@<project>.iam.gserviceaccount.com --format="value(oauth2ClientId)"',
      ],
    }),
  );

function parseJsonText(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

export const serviceAccountKey = z.preprocess(
  parseJsonText,
  z.looseObject({
    type: z.literal('service_account').optional(),
    client_email: z.email(),
    private_key: z.string().includes('PRIVATE KEY'),
    private_key_id: z.string().optional(),
    client_id: z.string().optional(),
  }),
);

export const googleWorkspaceSecret = z.object({
  serviceAccountKey: serviceAccountKey.meta(
    field({
      title: 'Service account key (JSON)',
      help: 'Paste the whole JSON key file of the service account that holds domain-wide delegation.',
      examples: ['{"type": "service_account", "client_email": "…", "private_key": "…"}'],
      kind: 'json',
    }),
  ),
});

export type GoogleWorkspaceConfig = z.infer<typeof googleWorkspaceConfig>;
export type GoogleWorkspaceSecret = z.infer<typeof googleWorkspaceSecret>;
