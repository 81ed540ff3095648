import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Accounting } from '../accounting.ts';
import type { FaultPlan } from '../faults.ts';
import type { GithubApp, InstallationTokens } from './app.ts';
import { serveApp } from './app-routes.ts';
import { type GraphqlRequest, graphqlError, parseGraphql } from './graphql.ts';
import type { AppInstallation } from './installations.ts';
import type { PrimaryRateLimit, RateState, SecondaryRateLimit } from './rate-limits.ts';
import { DOCS, githubError, notFound, type Reply, SECONDARY_MESSAGE } from './reply.ts';
import { GITHUB_PERMISSIONS, matchRoute } from './routes.ts';
import type { GithubTenants } from './tenants.ts';

export interface GithubState {
  tenants: GithubTenants;
  faults: FaultPlan;
  accounting: Accounting;
  primary: PrimaryRateLimit;
  /** Unauthenticated callers: 60 requests an hour per address, as GitHub allows. */
  anonymous: PrimaryRateLimit;
  secondary: SecondaryRateLimit;
  clock: () => number;
  closing: AbortSignal;
  api: () => string;
  app: GithubApp;
  installations: InstallationTokens;
  /** The App's installations, ordered by id. */
  appInstallations: AppInstallation[];
}

const SSO_MESSAGE =
  'Resource protected by organization SAML enforcement. You must grant your Personal Access token access to this organization.';

function rateHeaders(rate: RateState): Record<string, string> {
  return {
    'x-ratelimit-limit': String(rate.limit),
    'x-ratelimit-remaining': String(rate.remaining),
    'x-ratelimit-reset': String(rate.reset),
    'x-ratelimit-used': String(rate.used),
    'x-ratelimit-resource': 'core',
  };
}

/**
 * One request, in GitHub's order of things: secondary limits (a slot is held while the answer is slow), the tenant's
 * faults, authentication, the primary budget, then the route itself.
 */
export function githubHandler(state: GithubState) {
  const { tenants, faults, accounting, primary, anonymous, secondary, clock } = state;
  let sequence = 0;

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const requestId = `C0DE:${(++sequence).toString(16).toUpperCase().padStart(6, '0')}`;
    const url = new URL(req.url ?? '/', state.api());
    if (url.pathname.startsWith('/app/')) return serveApp(state, req, res, url, requestId);
    const matched = matchRoute(req.method, url.pathname);
    const route = matched?.route;
    let param = matched?.param ?? '';
    const caller = tenants.caller(req.headers.authorization, clock());
    // GraphQL names the org in the query's variables; a query of another shape is answered after authentication.
    let graphql: GraphqlRequest | Reply | undefined;
    if (route?.method === 'POST') {
      graphql = parseGraphql(await readBody(req));
      param = 'query' in graphql ? graphql.variables.org : '';
    }
    const target =
      graphql && !('query' in graphql)
        ? caller?.tenant
        : route?.scope === 'org'
          ? tenants.org(param)
          : route?.scope === 'enterprise'
            ? tenants.enterprise(param)
            : caller?.tenant;
    const tenant = (target ?? caller?.tenant)?.name ?? '(unknown)';
    const endpoint = route?.endpoint ?? `${req.method} (unmatched)`;
    const decision = target || caller ? faults.decide(tenant) : undefined;
    const counted = caller !== undefined && route !== undefined && !route.free && faults.spec(tenant).realThrottles;
    const address = req.socket.remoteAddress ?? '';

    const rate = () => (caller ? primary.state(caller.token, clock()) : anonymous.state(address, clock()));
    const send = (reply: Reply, truncate = false) => {
      accounting.request('github', tenant, endpoint, reply.status < 300 && !truncate);
      const body = JSON.stringify(reply.body);
      res.writeHead(reply.status, {
        'content-type': 'application/json; charset=utf-8',
        'x-github-api-version-selected': '2022-11-28',
        'x-github-request-id': requestId,
        ...(caller?.classic ? { 'x-oauth-scopes': caller.classic.scopes.join(', ') } : {}),
        ...rateHeaders(rate()),
        ...(truncate ? {} : { 'content-length': String(Buffer.byteLength(body)) }),
        ...reply.headers,
      });
      // Without content-length the half body goes out chunked and ends cleanly: the client gets broken JSON.
      res.end(truncate ? body.slice(0, Math.floor(body.length / 2)) : body);
    };
    const throttled = (reason: string, retryAfterSeconds: number, status = 403) => {
      accounting.throttle({ simulator: 'github', tenant, endpoint, reason, retryAfterSeconds });
      send({
        ...githubError(status, SECONDARY_MESSAGE, DOCS.secondary),
        headers: { 'retry-after': String(retryAfterSeconds) },
      });
    };

    if (counted) {
      const refusal = secondary.enter(caller.token, endpoint, clock());
      if (refusal) return throttled(refusal.reason, refusal.retryAfterSeconds);
      res.once('close', () => secondary.leave(caller.token));
    }
    if (decision && decision.delayMs > 0) {
      const aborted = await sleep(decision.delayMs, false, { signal: state.closing }).catch(() => true);
      if (aborted) return;
    }
    switch (decision?.outcome) {
      case 'timeout':
        return accounting.request('github', tenant, endpoint, false);
      case 'reset':
        accounting.request('github', tenant, endpoint, false);
        req.socket.destroy();
        return;
      case 'token_expired':
        return send(githubError(401, 'Bad credentials'));
      case 'server_error':
        return send(
          faults.requestCount(tenant) % 2 ? githubError(502, 'Server Error') : githubError(503, 'Service Unavailable'),
        );
      case 'throttle':
        return throttled('fault:throttle', 1, 429);
    }
    if (!caller) {
      anonymous.take(address, clock());
      return send(githubError(401, req.headers.authorization ? 'Bad credentials' : 'Requires authentication'));
    }
    const sso = caller.classic && !caller.classic.ssoAuthorized && caller.tenant.org.world.samlSso;
    if (sso && route?.scope !== 'token' && target === caller.tenant) {
      const link = `https://github.com/orgs/${target.org.login}/sso?authorization_request=${requestId.replace(':', '')}`;
      return send({ ...githubError(403, SSO_MESSAGE, DOCS.sso), headers: { 'x-github-sso': `required; url=${link}` } });
    }
    if (graphql && !('query' in graphql)) return send(graphql);
    if (graphql && target !== caller.tenant) {
      const path = ['organization'];
      return send(
        graphqlError('NOT_FOUND', `Could not resolve to an Organization with the login of '${param}'.`, path),
      );
    }
    if (!route || target !== caller.tenant || (route.ownerOnly && !caller.owner)) return send(notFound());
    if (counted && !primary.take(caller.token, clock())) {
      const retryAfterSeconds = Math.max(0, rate().reset - Math.floor(clock() / 1000));
      accounting.throttle({
        simulator: 'github',
        tenant,
        endpoint,
        reason: 'real:primary-rate-limit',
        retryAfterSeconds,
      });
      const userId = target.org.tokenUser(caller.owner).id;
      const message = `API rate limit exceeded for user ID ${userId}. If you reach out to GitHub Support for help, please include the request ID ${requestId}.`;
      return send(githubError(403, message, DOCS.primary));
    }
    const revoked = decision?.revokedPermission;
    const lacks = (permission: string) => {
      if (permission === revoked) return true;
      if (caller.app) return caller.app.permissions[permission.replace(/:read$/, '')] === undefined;
      return permission === GITHUB_PERMISSIONS.administration && !caller.classic?.scopes.includes('admin:org');
    };
    const admin = caller.owner && !lacks(GITHUB_PERMISSIONS.administration);
    const ctx = {
      url,
      api: state.api(),
      org: target.org,
      owner: caller.owner,
      admin,
      lacks,
      scopes: caller.classic?.scopes,
      audit: target.audit,
      rate: rate(),
      ...(graphql && 'query' in graphql ? { graphql } : {}),
    };
    send(route.handle(ctx), decision?.outcome === 'truncate');
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
