import { z } from 'zod';

/** `projects/<id>`, `folders/<id>` or `organizations/<id>`: the nodes of the resource hierarchy read here. */
export const resourceName = z
  .string()
  .regex(
    /^(projects|folders|organizations)\/[A-Za-z0-9][A-Za-z0-9._-]*$/,
    'expected projects/ID, folders/ID or organizations/ID',
  );

const hostPort = z
  .string()
  .regex(/^[A-Za-z0-9.-]+(:\d{1,5})?$/, 'expected host or host:port')
  .describe('host:port of the service; the port defaults to 443');

export const gcpLoggingConfig = z
  .object({
    resources: z
      .array(resourceName)
      .min(1)
      .describe(
        'The projects, folders and organizations to assess; a folder or organization stands for itself and every ' +
          'folder and project under it. Ancestors are read too: their aggregated sinks and audit configs apply below.',
      ),
    endpoints: z
      .object({
        logging: hostPort.optional().describe('Cloud Logging config API; default logging.googleapis.com:443'),
        resourceManager: hostPort
          .optional()
          .describe('Resource Manager API (IAM policies, parents); default cloudresourcemanager.googleapis.com:443'),
        token: z
          .url()
          .optional()
          .describe(
            'Origin of the OAuth token endpoint the key is exchanged at; default https://oauth2.googleapis.com',
          ),
        insecure: z
          .boolean()
          .optional()
          .describe(
            'Plain-text gRPC without credentials, for a local simulator only; the service-account key is ignored',
          ),
      })
      .optional()
      .describe('Overrides of the Google endpoints, used to point the connector at a simulator'),
  })
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
  serviceAccountKey: serviceAccountKey
    .optional()
    .describe('The JSON key of the service account (object or JSON text); optional only with endpoints.insecure'),
});

export type GcpLoggingConfig = z.infer<typeof gcpLoggingConfig>;
export type GcpLoggingSecret = z.infer<typeof gcpLoggingSecret>;
export type ServiceAccountKey = z.infer<typeof serviceAccountKey>;
export type ResourceKind = 'projects' | 'folders' | 'organizations';

export function kindOf(resource: string): ResourceKind {
  if (resource.startsWith('projects/')) return 'projects';
  return resource.startsWith('folders/') ? 'folders' : 'organizations';
}
