import type { IncomingMessage, ServerResponse } from 'node:http';
import { handleAdminConsent } from './admin-consent.ts';
import { openIdConfiguration, TokenEndpointError } from './auth.ts';
import { readBody, sendJson } from './http.ts';
import { type SimState, UNAUTHENTICATED } from './state.ts';

const TOKEN = /^\/([^/]+)\/oauth2\/v2\.0\/token$/i;
const OPENID = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/i;
const AUTHORIZE = /^\/([^/]+)\/oauth2\/v2\.0\/authorize$/i;
const KEYS = /^\/([^/]+)\/discovery\/v2\.0\/keys$/i;
const ADMIN_CONSENT = /^\/([^/]+)\/v2\.0\/adminconsent$/i;

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

/**
 * The Entra ID endpoints a client-credential flow touches (OpenID discovery, the token endpoint), staff sign-in and
 * the admin-consent page. Returns false when the request is not for them.
 */
export async function handleIdentityPlatform(
  state: SimState,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  origin: string,
): Promise<boolean> {
  const consent = ADMIN_CONSENT.exec(url.pathname);
  if (consent) {
    await handleAdminConsent(state.consents, state.tenants, decodeURIComponent(consent[1]!), req, res, url);
    return true;
  }
  const token = TOKEN.exec(url.pathname);
  const openid = OPENID.exec(url.pathname);
  const authorize = AUTHORIZE.exec(url.pathname);
  const keys = KEYS.exec(url.pathname);
  const authority = decodeURIComponent((token ?? openid ?? authorize ?? keys)?.[1] ?? '');
  if (!token && !openid && !authorize && !keys) return false;
  const tenant = state.tenants.resolve(authority);
  if (authorize) {
    state.oidc.authorize(tenant, authority, url, res);
    return true;
  }
  if (keys) {
    sendJson(res, 200, state.oidc.jwks(), JSON_HEADERS);
    return true;
  }
  const account = (endpoint: string, served: boolean) =>
    state.accounting.request('graph', tenant?.name ?? UNAUTHENTICATED, endpoint, served);
  if (openid) {
    account('/{tenant}/v2.0/.well-known/openid-configuration', tenant !== undefined);
    if (!tenant) refuse(res, new TokenEndpointError(400, 'invalid_tenant', 90002, `Tenant '${authority}' not found.`));
    else sendJson(res, 200, openIdConfiguration(origin, authority), JSON_HEADERS);
    return true;
  }
  const endpoint = '/{tenant}/oauth2/v2.0/token';
  if (req.method !== 'POST') {
    account(endpoint, false);
    refuse(res, new TokenEndpointError(405, 'invalid_request', 900561, 'The endpoint only accepts POST requests.'));
    return true;
  }
  try {
    const form = new URLSearchParams(await readBody(req));
    const issued =
      form.get('grant_type') === 'authorization_code'
        ? state.oidc.redeem(tenant, authority, form, origin)
        : await state.tokens.issue(tenant, authority, form, `${origin}${url.pathname}`);
    account(endpoint, true);
    sendJson(res, 200, issued, JSON_HEADERS);
  } catch (e) {
    if (!(e instanceof TokenEndpointError)) throw e;
    account(endpoint, false);
    refuse(res, e);
  }
  return true;
}

function refuse(res: ServerResponse, e: TokenEndpointError): void {
  sendJson(res, e.status, e.body(), JSON_HEADERS);
}
