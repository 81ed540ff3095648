import { type EgressPolicy, egressDispatcher } from '@evident/connector-kit';
import { admin, type admin_directory_v1, type admin_reports_v1, auth } from '@googleapis/admin';
import type { GoogleWorkspaceConfig, GoogleWorkspaceSecret } from './config.ts';

/** What each part of a collection reads, and the one scope it asks for: a missing delegation then names itself. */
export const SCOPES = {
  users: 'https://www.googleapis.com/auth/admin.directory.user.readonly',
  roles: 'https://www.googleapis.com/auth/admin.directory.rolemanagement.readonly',
  reports: 'https://www.googleapis.com/auth/admin.reports.audit.readonly',
} as const;
export type Area = keyof typeof SCOPES;

const GOOGLE_TOKEN_ORIGIN = 'https://oauth2.googleapis.com';
const ADMIN_ROOT = 'https://admin.googleapis.com/';
/** A page of the Admin SDK rarely takes a second; a stuck one should not hold the collection. */
export const REQUEST_TIMEOUT_MS = 60_000;

/** Every request, token or API, through the egress policy; token requests to the overriding origin when set. */
function transport(config: GoogleWorkspaceConfig, egress: EgressPolicy) {
  const dispatcher = egressDispatcher(egress);
  const token = config.endpoints?.token?.replace(/\/+$/, '');
  const fetchImplementation: typeof fetch = (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    const target =
      token && url.startsWith(`${GOOGLE_TOKEN_ORIGIN}/`) ? token + url.slice(GOOGLE_TOKEN_ORIGIN.length) : url;
    return fetch(target, { ...init, dispatcher } as RequestInit);
  };
  // Retries are the session's (throttle accounting, the connection's limiter), never gaxios' own.
  return { dispatcher, options: { fetchImplementation, retry: false, timeout: REQUEST_TIMEOUT_MS } };
}

export interface WorkspaceClients {
  directory(area: 'users' | 'roles'): admin_directory_v1.Admin;
  reports(): admin_reports_v1.Admin;
  /** Asks for an access token for one area's scope: refusals name a bad key or a missing delegation. */
  token(area: Area): Promise<void>;
  /** Closes the connections the clients opened. */
  close(): Promise<void>;
}

/**
 * One JWT client per scope, each acting for the configured admin (domain-wide delegation). The auth client is
 * always explicit, so no library falls back to Application Default Credentials or the metadata server.
 */
export function createClients(
  config: GoogleWorkspaceConfig,
  secret: GoogleWorkspaceSecret,
  egress: EgressPolicy,
): WorkspaceClients {
  const key = secret.serviceAccountKey;
  const { dispatcher, options } = transport(config, egress);
  const rootUrl = config.endpoints?.api ? `${config.endpoints.api.replace(/\/+$/, '')}/` : ADMIN_ROOT;
  const jwts = new Map<Area, InstanceType<typeof auth.JWT>>();
  const jwt = (area: Area) => {
    let client = jwts.get(area);
    if (!client) {
      client = new auth.JWT({
        email: key.client_email,
        key: key.private_key,
        ...(key.private_key_id ? { keyId: key.private_key_id } : {}),
        scopes: [SCOPES[area]],
        subject: config.adminEmail,
        transporterOptions: options,
      });
      jwts.set(area, client);
    }
    return client;
  };
  return {
    directory: (area) => admin({ version: 'directory_v1', auth: jwt(area), rootUrl, ...options }),
    reports: () => admin({ version: 'reports_v1', auth: jwt('reports'), rootUrl, ...options }),
    token: async (area) => {
      await jwt(area).getAccessToken();
    },
    close: () => dispatcher.close(),
  };
}
