import { ConnectorError, type EgressPolicy, egressDispatcher } from '@evident/connector-kit';
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
/** Where google-auth-library sends every token request; an `endpoints.token` override replaces this origin. */
const GOOGLE_TOKEN_ORIGIN = 'https://oauth2.googleapis.com';

/** The JWT client's transport: token requests to the overriding origin, through the egress policy. */
function tokenTransport(origin: string | undefined, egress: EgressPolicy | undefined) {
  if (origin === undefined) return {};
  const dispatcher = egress ? { dispatcher: egressDispatcher(egress) } : {};
  const fetchImplementation: typeof fetch = (input, init) =>
    fetch(String(input).replace(GOOGLE_TOKEN_ORIGIN, origin.replace(/\/+$/, '')), {
      ...init,
      ...dispatcher,
    } as RequestInit);
  return { transporterOptions: { fetchImplementation } };
}

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
  egress: EgressPolicy | undefined,
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
    ...tokenTransport(config.endpoints?.token, egress),
  });
}

/**
 * A simulator on a plain-text channel still checks the service account: with a key, every call carries an access
 * token from the overriding token endpoint, or else a JWT the key signs itself (as Google's libraries can for
 * service accounts), made locally, never fetched from Google.
 */
async function simulatorHeaders(
  config: GcpLoggingConfig,
  secret: GcpLoggingSecret,
  { JWT }: typeof import('google-auth-library'),
  egress: EgressPolicy | undefined,
): Promise<Record<string, string>> {
  const key = secret.serviceAccountKey;
  if (!key) return {};
  const token = config.endpoints?.token;
  const jwt = new JWT({
    email: key.client_email,
    key: key.private_key,
    keyId: key.private_key_id,
    scopes: [READ_ONLY_SCOPE],
    ...tokenTransport(token, egress),
  });
  jwt.useJWTAccessWithScope = token === undefined;
  let headers: Headers;
  try {
    headers = await jwt.getRequestHeaders();
  } catch (error) {
    throw new ConnectorError(
      'auth_failed',
      `Google refused the service account's key when asked for an access token (${error instanceof Error ? error.message : String(error)}).`,
      { remedy: `Check that the key is a current key of ${key.client_email} (IAM → Service accounts → Keys).` },
      { cause: error },
    );
  }
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
export async function createClients(
  config: GcpLoggingConfig,
  secret: GcpLoggingSecret,
  egress?: EgressPolicy,
): Promise<GcpClients> {
  const [{ FoldersClient, OrganizationsClient, ProjectsClient }, grpc, authLibrary, { configClient, entriesClient }] =
    await Promise.all([
      import('@google-cloud/resource-manager'),
      import('@grpc/grpc-js'),
      import('google-auth-library'),
      loadGapic(),
    ]);
  const auth = authClient(config, secret, authLibrary, egress);
  const headers = config.endpoints?.insecure ? await simulatorHeaders(config, secret, authLibrary, egress) : {};
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
