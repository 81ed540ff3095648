import { ConnectorError } from '@evident/connector-kit';
import { type Area, SCOPES } from './client.ts';

interface HttpishError {
  message?: string;
  status?: number;
  code?: string | number;
  response?: { status?: number; data?: unknown; headers?: unknown };
  config?: { url?: unknown };
}

const THROTTLE_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded', 'quotaExceeded', 'dailyLimitExceeded']);

function reasonOf(data: unknown): string | undefined {
  const error = (data as { error?: unknown } | undefined)?.error;
  if (typeof error === 'string') return error;
  const reasons = (error as { errors?: { reason?: unknown }[] } | undefined)?.errors;
  const reason = reasons?.[0]?.reason;
  return typeof reason === 'string' ? reason : undefined;
}

function retryAfterMs(headers: unknown): number | undefined {
  const h = headers as { get?: (k: string) => string | null } | Record<string, string> | undefined;
  const raw =
    typeof h?.get === 'function' ? h.get('retry-after') : (h as Record<string, string> | undefined)?.['retry-after'];
  const seconds = Number(raw);
  return raw && Number.isFinite(seconds) ? seconds * 1000 : undefined;
}

/** The Admin console privilege each area needs of the impersonated admin. */
export const PRIVILEGES: Record<Area, string> = {
  users: 'Admin API privilege Users → Read',
  roles: 'Admin API privilege Admin roles → Read (Organization units → Read helps the role scopes)',
  reports: 'the Reports privilege',
};

const delegation = (area: Area) => `domain-wide delegation of ${SCOPES[area]}`;

/** Turns a token refusal or an Admin SDK error into the gap taxonomy, naming what to grant for `area`. */
export function toConnectorError(raw: unknown, area: Area, adminEmail: string): ConnectorError {
  if (raw instanceof ConnectorError) return raw;
  const e = (raw ?? {}) as HttpishError;
  const status = e.status ?? e.response?.status;
  const data = e.response?.data;
  const reason = reasonOf(data);
  const message = typeof e.message === 'string' ? e.message : String(raw);
  const options = { cause: raw };
  if (reason === 'unauthorized_client' || message.includes('unauthorized_client')) {
    return new ConnectorError(
      'permission_missing',
      `Google refused to issue a token acting for ${adminEmail} with ${SCOPES[area]}: the service account's client ID lacks domain-wide delegation for that scope (unauthorized_client).`,
      {
        permission: delegation(area),
        remedy: `In the Admin console (Security → API controls → Domain-wide delegation), authorize the service account's client ID for ${SCOPES[area]}, then collect again.`,
      },
      options,
    );
  }
  if (reason === 'invalid_grant' || message.includes('invalid_grant')) {
    const unknownUser = message.includes('Invalid email or User ID');
    return new ConnectorError(
      'auth_failed',
      unknownUser
        ? `Google does not know ${adminEmail} as a user to act for (invalid_grant: Invalid email or User ID).`
        : `Google refused the service-account key (invalid_grant): ${message}`,
      {
        remedy: unknownUser
          ? 'Set the admin to act as to an existing administrator of this Workspace account.'
          : 'Create a new JSON key for the service account (the key may be revoked or malformed) and paste it again.',
      },
      options,
    );
  }
  if (status === 429 || (status === 403 && reason && THROTTLE_REASONS.has(reason))) {
    const after = retryAfterMs(e.response?.headers);
    return new ConnectorError(
      'throttled',
      `The Admin SDK throttled the request (${reason ?? status}).`,
      after === undefined ? {} : { retryAfterMs: after },
      options,
    );
  }
  if (status === 401) {
    return new ConnectorError('auth_failed', `Google refused the access token: ${message}`, {}, options);
  }
  if (status === 403) {
    if (reason === 'insufficientPermissions') {
      return new ConnectorError(
        'permission_missing',
        `The token lacks the scope ${SCOPES[area]}: ${message}`,
        { permission: delegation(area) },
        options,
      );
    }
    return new ConnectorError(
      'permission_missing',
      `${adminEmail} may not read this (${message}); the admin needs ${PRIVILEGES[area]}.`,
      {
        permission: PRIVILEGES[area],
        remedy: `Give ${adminEmail} a role with ${PRIVILEGES[area]} in the Admin console, then collect again.`,
      },
      options,
    );
  }
  return new ConnectorError(
    'provider_error',
    status ? `The Admin SDK answered ${status}: ${message}` : `The Admin SDK could not be reached: ${message}`,
    {},
    options,
  );
}
