import { field, provider } from '@evident/connector-kit';
import { z } from 'zod';

/** `projects/<id>`, `folders/<id>` or `organizations/<id>`: the nodes of the resource hierarchy read here. */
export const resourceName = z
  .string()
  .regex(
    /^(projects|folders|organizations)\/[A-Za-z0-9][A-Za-z0-9._-]*$/,
    'expected projects/ID, folders/ID or organizations/ID',
  );

const hostPort = (title: string, host: string) =>
  z
    .string()
    .regex(/^[A-Za-z0-9.-]+(:\d{1,5})?$/, 'expected host or host:port')
    .meta(
      field({
        title,
        help: `host:port of the service (the port defaults to 443); ${host}:443 unless overridden.`,
        examples: ['127.0.0.1:8086'],
        kind: 'host-port',
      }),
    );

export const gcpLoggingConfig = z
  .object({
    resources: z
      .array(resourceName)
      .min(1)
      .meta(
        field({
          title: 'Projects, folders and organizations',
          help:
            'What to assess, one per line as projects/ID, folders/ID or organizations/ID. A folder or organization ' +
            'stands for itself and every folder and project under it; their ancestors’ aggregated sinks and audit ' +
            'configs are read too.',
          examples: ['projects/contoso-prod', 'organizations/123456789012'],
          kind: 'lines',
        }),
      ),
    endpoints: z
      .object({
        logging: hostPort('Cloud Logging', 'logging.googleapis.com').optional(),
        resourceManager: hostPort('Resource Manager', 'cloudresourcemanager.googleapis.com').optional(),
        token: z
          .url()
          .optional()
          .meta(
            field({
              title: 'OAuth token endpoint',
              help: 'Origin where the service-account key is exchanged for tokens; https://oauth2.googleapis.com unless overridden.',
              kind: 'url',
            }),
          ),
        insecure: z
          .boolean()
          .optional()
          .meta(
            field({
              title: 'Plain text, no credentials (local simulator)',
              help: 'Plain-text gRPC without credentials, for a local simulator only; the service-account key is ignored.',
            }),
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
      title: 'Google Cloud Logging',
      summary:
        'Reads the audit-log configuration, log buckets, sinks and exclusions of projects, folders and organizations, and when each audit log last received an entry, with a service account key.',
      needs: [
        'A service account with roles/logging.viewer, roles/iam.securityReviewer and roles/browser on the organization (or on each folder or project), so that every project below inherits them.',
        'roles/logging.privateLogViewer as well to see when Data Access logs last received an entry (optional).',
      ],
      commands: [
        'gcloud iam service-accounts create evident-reader --project=<project> --display-name="Evident (read-only)"',
        'for r in roles/logging.viewer roles/iam.securityReviewer roles/browser roles/logging.privateLogViewer; do gcloud organizations add-iam-policy-binding <organization id> --member="serviceAccount:evident-reader@<project>.iam.gserviceaccount.com" --role="$r" --condition=None; done',
        'gcloud iam service-accounts keys create evident-reader.json --iam-account=evident-reader@<project>.iam.gserviceaccount.com',
      ],
    }),
  )
  .superRefine((config, ctx) => {
    const endpoints = config.endpoints;
    if (!endpoints?.insecure) return;
    const google = (['logging', 'resourceManager'] as const).filter((k) => isGoogleHost(endpoints[k]));
    if (google.length === 0) return;
    ctx.addIssue({
      code: 'custom',
      path: ['endpoints', 'insecure'],
      message:
        `endpoints.insecure (plain-text gRPC, no credentials) is only for a local simulator; ${google.join(' and ')} ` +
        `would reach Google (*.googleapis.com), which is only ever called over TLS with the service-account key`,
    });
  });

/** Whether an endpoint (unset: the default) is one of Google's own hosts. */
function isGoogleHost(hostPort: string | undefined): boolean {
  if (hostPort === undefined) return true;
  const host = hostPort.split(':')[0]!.toLowerCase().replace(/\.$/, '');
  return host === 'googleapis.com' || host.endsWith('.googleapis.com') || host.endsWith('.google.com');
}

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
    project_id: z.string().optional(),
    universe_domain: z.string().optional(),
  }),
);

export const gcpLoggingSecret = z.object({
  serviceAccountKey: serviceAccountKey.optional().meta(
    field({
      title: 'Service account key (JSON)',
      help: 'Paste the whole JSON key file of the service account, as gcloud iam service-accounts keys create writes it.',
      examples: ['{"type": "service_account", "client_email": "…", "private_key": "…"}'],
      kind: 'json',
    }),
  ),
});

export type GcpLoggingConfig = z.infer<typeof gcpLoggingConfig>;
export type GcpLoggingSecret = z.infer<typeof gcpLoggingSecret>;
export type ServiceAccountKey = z.infer<typeof serviceAccountKey>;
export type ResourceKind = 'projects' | 'folders' | 'organizations';

export function kindOf(resource: string): ResourceKind {
  if (resource.startsWith('projects/')) return 'projects';
  return resource.startsWith('folders/') ? 'folders' : 'organizations';
}
