import { ConnectorError } from '@evident/connector-kit';
import type { FoldersClient, OrganizationsClient, ProjectsClient } from '@google-cloud/resource-manager';
import type { AuthClient } from 'google-auth-library';
import type { GcpLoggingConfig, GcpLoggingSecret } from './config.ts';
import { type ConfigClient, type EntriesClient, loadGapic } from './gapic.ts';

export interface GcpClients {
  logging: ConfigClient;
  entries: EntriesClient;
  projects: ProjectsClient;
  folders: FoldersClient;
  organizations: OrganizationsClient;
  /** Headers every call carries: on a plain-text channel gax sends no credentials, so they are added here. */
  headers: Record<string, string>;
  close(): Promise<void>;
}

const DEFAULT_ENDPOINTS = {
  logging: 'logging.googleapis.com:443',
  resourceManager: 'cloudresourcemanager.googleapis.com:443',
};
const READ_ONLY_SCOPE = 'https://www.googleapis.com/auth/cloud-platform.read-only';

function endpoint(hostPort: string): { apiEndpoint: string; port: number } {
  const [host, port] = hostPort.split(':');
  return { apiEndpoint: host!, port: port ? Number(port) : 443 };
}

/**
 * The credential every client is built with. It is always explicit, so that no client falls back to Application
 * Default Credentials and probes the metadata server: a JWT from the service-account key, or, for a simulator on
 * an insecure channel, a client that adds no credentials at all.
 */
function authClient(
  config: GcpLoggingConfig,
  secret: GcpLoggingSecret,
  { JWT, PassThroughClient }: typeof import('google-auth-library'),
): AuthClient {
  if (config.endpoints?.insecure) return new PassThroughClient();
  const key = secret.serviceAccountKey;
  if (!key) {
    throw new ConnectorError('auth_failed', 'No service-account key was given for this connection.', {
      remedy: 'Add the JSON key of a service account granted roles/logging.viewer and roles/iam.securityReviewer.',
    });
  }
  return new JWT({
    email: key.client_email,
    key: key.private_key,
    keyId: key.private_key_id,
    scopes: [READ_ONLY_SCOPE],
  });
}

/**
 * A simulator on a plain-text channel still checks the service account: with a key, every call carries a JWT the
 * key signs itself (as Google's libraries do for service accounts), made locally, never fetched from Google.
 */
async function selfSignedHeaders(
  secret: GcpLoggingSecret,
  { JWT }: typeof import('google-auth-library'),
): Promise<Record<string, string>> {
  const key = secret.serviceAccountKey;
  if (!key) return {};
  const jwt = new JWT({
    email: key.client_email,
    key: key.private_key,
    keyId: key.private_key_id,
    scopes: [READ_ONLY_SCOPE],
  });
  jwt.useJWTAccessWithScope = true;
  const headers = await jwt.getRequestHeaders();
  const authorization = headers.get('authorization');
  return authorization ? { authorization } : {};
}

// Resource Manager is built on an older google-gax whose typings name an older google-auth-library; the client
// only calls getRequestHeaders/getUniverseDomain on it, which both versions share.
function asLegacyAuthClient(client: AuthClient): ConstructorParameters<typeof ProjectsClient>[0] {
  return { authClient: client } as unknown as ConstructorParameters<typeof ProjectsClient>[0];
}

/**
 * Google's client libraries load on first use: a process that collects no GCP connection never carries their
 * 15 MB of heap (which V8 lets grow several times over in garbage before it collects).
 */
export async function createClients(config: GcpLoggingConfig, secret: GcpLoggingSecret): Promise<GcpClients> {
  const [{ FoldersClient, OrganizationsClient, ProjectsClient }, grpc, authLibrary, { configClient, entriesClient }] =
    await Promise.all([
      import('@google-cloud/resource-manager'),
      import('@grpc/grpc-js'),
      import('google-auth-library'),
      loadGapic(),
    ]);
  const auth = authClient(config, secret, authLibrary);
  const headers = config.endpoints?.insecure ? await selfSignedHeaders(secret, authLibrary) : {};
  const insecure = config.endpoints?.insecure ? { sslCreds: grpc.credentials.createInsecure() } : {};
  const loggingOptions = {
    authClient: auth,
    ...endpoint(config.endpoints?.logging ?? DEFAULT_ENDPOINTS.logging),
    ...insecure,
  };
  const logging = configClient(loggingOptions);
  const entries = entriesClient(loggingOptions);
  const rm = {
    ...asLegacyAuthClient(auth),
    ...endpoint(config.endpoints?.resourceManager ?? DEFAULT_ENDPOINTS.resourceManager),
    ...insecure,
  };
  const projects = new ProjectsClient(rm);
  const folders = new FoldersClient(rm);
  const organizations = new OrganizationsClient(rm);
  return {
    logging,
    entries,
    projects,
    folders,
    organizations,
    headers,
    async close() {
      await Promise.all([logging.close(), entries.close(), projects.close(), folders.close(), organizations.close()]);
    },
  };
}
