import { ConnectorError } from '@evident/connector-kit';
import { GOVERNANCE_LICENCE, P1_LICENCE as P1 } from './permissions.ts';

interface GraphLike {
  statusCode?: number;
  code?: string | null;
  message?: string;
  headers?: Headers;
  body?: unknown;
}

function retryAfterMs(headers: Headers | undefined): number | undefined {
  const value = headers?.get?.('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** The identity platform's message without its trace and correlation ids: `AADSTS7000215: Invalid client secret…`. */
export function signInError(message: string): string {
  const code = /AADSTS\d+:[^\r\n]*?(?=\s*Trace ID:|$)/m.exec(message);
  return (code ? code[0] : (message.split('\n')[0] ?? message)).trim();
}

/** What @azure/identity throws when no token can be had: a wrong tenant, client or secret. */
const SIGN_IN_ERRORS = new Set(['AuthenticationError', 'AuthenticationRequiredError', 'CredentialUnavailableError']);

/**
 * Maps Graph and identity failures into the gap taxonomy. `permission` names what the failing call needs, so a 403
 * can say which grant is missing.
 */
export function classifyGraphError(error: unknown, permission?: string): ConnectorError {
  if (error instanceof ConnectorError) return error;
  const e = (error ?? {}) as GraphLike & { name?: string };
  const message = e.message || String(error);
  // The Graph SDK keeps an identity error's name only as the `code` of the GraphError it wraps it in.
  if (SIGN_IN_ERRORS.has(e.name ?? '') || SIGN_IN_ERRORS.has(e.code ?? '') || /AADSTS\d+/.test(message)) {
    return new ConnectorError('auth_failed', `Could not sign in to the tenant: ${message}`, {}, { cause: error });
  }
  const status = e.statusCode ?? 0;
  const code = e.code ?? '';
  if (status === 401 || code === 'InvalidAuthenticationToken') {
    return new ConnectorError('auth_failed', `The tenant refused the access token: ${message}`, {}, { cause: error });
  }
  if (code === 'Authentication_RequestFromNonPremiumTenantOrB2CTenant') {
    return new ConnectorError(
      'licence_required',
      `This data needs ${P1}: ${message}`,
      { licence: P1 },
      { cause: error },
    );
  }
  // PIM's answer where the tenant lacks P2 or Governance.
  if (code === 'AadPremiumLicenseRequired') {
    return new ConnectorError(
      'licence_required',
      `This data needs ${GOVERNANCE_LICENCE}: ${message}`,
      { licence: GOVERNANCE_LICENCE },
      { cause: error },
    );
  }
  if (status === 403) {
    return new ConnectorError(
      'permission_missing',
      `Graph refused the request${permission ? ` (needs ${permission})` : ''}: ${message}`,
      permission ? { permission } : {},
      { cause: error },
    );
  }
  if (status === 404) {
    return new ConnectorError('not_supported', `Graph found no such object: ${message}`, {}, { cause: error });
  }
  if (status === 429) {
    const wait = retryAfterMs(e.headers);
    return new ConnectorError(
      'throttled',
      `Graph kept throttling: ${message}`,
      wait === undefined ? {} : { retryAfterMs: wait },
      {
        cause: error,
      },
    );
  }
  // A 503 may say when to come back; resets, timeouts and cut bodies say nothing.
  const wait = retryAfterMs(e.headers);
  return new ConnectorError(
    'provider_error',
    `Graph failed: ${message}`,
    wait === undefined ? {} : { retryAfterMs: wait },
    { cause: error },
  );
}
