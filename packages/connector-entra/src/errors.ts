import { ConnectorError } from '@evident/connector-kit';

const P1 = 'Microsoft Entra ID P1 or P2';

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

/**
 * Maps Graph and identity failures into the gap taxonomy. `permission` names what the failing call needs, so a 403
 * can say which grant is missing.
 */
export function classifyGraphError(error: unknown, permission?: string): ConnectorError {
  if (error instanceof ConnectorError) return error;
  const e = (error ?? {}) as GraphLike & { name?: string };
  const message = e.message || String(error);
  if (
    e.name === 'AuthenticationRequiredError' ||
    e.name === 'CredentialUnavailableError' ||
    /AADSTS\d+/.test(message)
  ) {
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
  if (status === 403) {
    return new ConnectorError(
      'permission_missing',
      `Graph refused the request${permission ? ` (needs ${permission})` : ''}: ${message}`,
      permission ? { permission } : {},
      { cause: error },
    );
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
  return new ConnectorError('provider_error', `Graph failed: ${message}`, {}, { cause: error });
}
