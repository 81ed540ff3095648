import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { unit } from '../rng.ts';
import type { IssuedToken } from './auth.ts';
import { handleIdentityPlatform } from './auth-routes.ts';
import { BATCH, batchEndpoint, runBatch } from './batch.ts';
import type { Endpoint } from './endpoint.ts';
import { type ApiKind, armErrors, errorBody, errors, GraphHttpError } from './errors.ts';
import { baseHeaders, bearer, header, type ResponseIds, sendJson } from './http.ts';
import { heldPermissions, satisfies } from './permissions.ts';
import { parseQuery } from './query.ts';
import { type SimState, UNAUTHENTICATED } from './state.ts';
import type { SimTenant } from './tenants.ts';

/** Handles one request: identity platform, or Graph/ARM through auth, faults, throttles, permissions and licence. */
export async function handleRequest(state: SimState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const origin = `https://${req.headers.host ?? '127.0.0.1'}`;
  const url = new URL(req.url ?? '/', origin);
  if (await handleIdentityPlatform(state, req, res, url, origin)) return;
  const api: ApiKind = /^\/(providers|subscriptions)(\/|$)/i.test(url.pathname) ? 'arm' : 'graph';
  const ids: ResponseIds = { requestId: randomUUID(), clientRequestId: header(req, 'client-request-id') };
  const match = state.router.match(url.pathname);
  const batch = BATCH.test(url.pathname);
  const endpointName = batch ? batchEndpoint.path : match.kind === 'found' ? match.endpoint.path : '(unknown)';
  let tenantName = UNAUTHENTICATED;
  const fail = (e: GraphHttpError) => {
    state.accounting.request('graph', tenantName, endpointName, false);
    const headers = { ...baseHeaders(api, ids), ...e.headers };
    sendJson(res, e.status, errorBody(api, e, ids.requestId, ids.clientRequestId), headers);
  };
  try {
    const { tenant, roles } = authenticate(state, req, api, (name) => {
      tenantName = name;
    });
    if (match.kind === 'unknown' && !batch)
      throw api === 'arm' ? armErrors.notFound(url.pathname) : errors.noSegment(match.segment);
    if (req.method !== (batch ? 'POST' : 'GET')) throw errors.methodNotAllowed();
    const endpoint = match.kind === 'found' && !batch ? match.endpoint : batchEndpoint;
    const decision = state.faults.decide(tenant.name);
    if (decision.delayMs > 0) await sleep(decision.delayMs, state.closing);
    const targeted = state.faults.spec(tenant.name).endpoints;
    const outcome = targeted && !targeted.includes(endpoint.path) ? 'ok' : decision.outcome;
    switch (outcome) {
      case 'timeout':
        // Never answered: the client gives up, or close() destroys the socket.
        state.accounting.request('graph', tenant.name, endpoint.path, false);
        return;
      case 'reset':
        state.accounting.request('graph', tenant.name, endpoint.path, false);
        req.socket.destroy();
        return;
      case 'token_expired':
        throw api === 'arm' ? armErrors.expiredToken() : errors.expiredToken();
      case 'throttle':
        throw throttled(state, tenant, endpoint, 'fault:throttle', 1000 * state.throttles.scale);
      case 'server_error': {
        const n = state.faults.requestCount(tenant.name);
        throw unit(state.seed, 'graph', tenant.name, n, 'status') < 0.5
          ? errors.serviceUnavailable()
          : errors.gatewayTimeout();
      }
    }
    if (api === 'arm' && !url.searchParams.has('api-version')) throw armErrors.missingApiVersion();
    const revoked = decision.revokedPermission;
    const held = { revoked, permissions: heldPermissions(revoked, roles) };
    if (batch) {
      const body = await runBatch(state, tenant, req, url, origin, {
        admit: (e, q) => admit(state, tenant, e, q),
        authorize: (e, q, u) => authorize(e, q, held, tenant, u),
      });
      state.accounting.request('graph', tenant.name, endpoint.path, true);
      return sendJson(res, 200, body, baseHeaders(api, ids), outcome === 'truncate');
    }
    const query = parseQuery(url.searchParams);
    const extra = admit(state, tenant, endpoint, query);
    authorize(endpoint, query, held, tenant, url);
    const params = match.kind === 'found' ? match.params : {};
    const body = endpoint.handle({ tenant, url, origin, params, query });
    state.accounting.request('graph', tenant.name, endpoint.path, outcome !== 'truncate');
    sendJson(res, 200, body, { ...baseHeaders(api, ids), ...extra }, outcome === 'truncate');
  } catch (e) {
    if (state.closing.aborted) return void req.socket.destroy();
    if (e instanceof GraphHttpError) return fail(e);
    throw e;
  }
}

/**
 * The tenant a valid token was issued for, and what the app holds there; `identified` learns the tenant even when
 * the token is then refused.
 */
function authenticate(
  state: SimState,
  req: IncomingMessage,
  api: ApiKind,
  identified: (tenant: string) => void,
): { tenant: SimTenant; roles: readonly string[] } {
  const token = bearer(req);
  if (!token)
    throw api === 'arm'
      ? armErrors.invalidToken("Authentication failed. The 'Authorization' header is missing.")
      : errors.emptyToken();
  const issued: IssuedToken | undefined = state.tokens.resolve(token);
  const tenant = issued && state.tenants.named(issued.tenant);
  if (tenant) identified(tenant.name);
  if (!issued || !tenant)
    throw api === 'arm' ? armErrors.invalidToken('The access token is invalid.') : errors.invalidToken();
  if (issued.audience !== api)
    throw api === 'arm'
      ? new GraphHttpError(
          401,
          'InvalidAuthenticationTokenAudience',
          'The access token has been obtained for wrong audience or resource.',
        )
      : errors.wrongAudience();
  if (issued.expiresAt < Date.now()) throw api === 'arm' ? armErrors.expiredToken() : errors.expiredToken();
  return { tenant, roles: issued.roles };
}

/** Applies the real throttles when the tenant's fault spec keeps them on; returns the headers a pass carries. */
function admit(state: SimState, tenant: SimTenant, endpoint: Endpoint, query: ReturnType<typeof parseQuery>) {
  if (endpoint.family === 'none' || !state.faults.spec(tenant.name).realThrottles) return {};
  const cost = endpoint.cost?.(query) ?? 1;
  const verdict = state.throttles.admit(tenant.name, endpoint.family, cost, tenant.directory.counts.users);
  if (verdict.admitted) return verdict.headers;
  throw throttled(state, tenant, endpoint, verdict.reason, verdict.retryAfterMs, verdict.headers);
}

function throttled(
  state: SimState,
  tenant: SimTenant,
  endpoint: Endpoint,
  reason: string,
  retryAfterMs: number | null,
  headers: Record<string, string> = {},
): GraphHttpError {
  const retryAfter = retryAfterMs === null ? null : state.throttles.retryAfterHeader(retryAfterMs);
  state.accounting.throttle({
    simulator: 'graph',
    tenant: tenant.name,
    endpoint: endpoint.path,
    reason,
    retryAfterSeconds: retryAfter === null ? null : Number(retryAfter),
  });
  return errors.tooManyRequests(retryAfter === null ? headers : { ...headers, 'retry-after': retryAfter });
}

function authorize(
  endpoint: Endpoint,
  query: ReturnType<typeof parseQuery>,
  held: { revoked: string | undefined; permissions: ReadonlySet<string> },
  tenant: SimTenant,
  url: URL,
): void {
  const { revoked } = held;
  if (endpoint.armAction && revoked?.toLowerCase() === endpoint.armAction.toLowerCase())
    throw armErrors.authorizationFailed(endpoint.armAction, url.pathname);
  const needs = typeof endpoint.permissions === 'function' ? endpoint.permissions(query) : endpoint.permissions;
  if (needs && !satisfies(needs, held.permissions)) throw errors.insufficientPrivileges();
  const premium = typeof endpoint.premium === 'function' ? endpoint.premium(query) : endpoint.premium;
  if (premium === 'governance' && tenant.world.licence !== 'p2') throw errors.governanceLicence();
  if (premium && tenant.world.licence === 'free') throw errors.premiumLicence();
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', abort);
      resolve();
    }, ms);
    const abort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', abort, { once: true });
  });
}
