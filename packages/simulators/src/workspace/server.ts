import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type SimulatedAccount, simulatedAccount } from '../gcp/credentials.ts';
import { exchange, type Grant } from './token.ts';
import { WORKSPACE_SCOPES, type WorkspaceApplication, type WorkspaceUser, type WorkspaceWorld } from './world.ts';

/** What goes wrong, set by tests at run time. */
export interface WorkspaceFaults {
  /** The next n API requests answer 429 `rateLimitExceeded`. */
  throttle: number;
  /** The next n API requests answer 503 `backendError`. */
  serverErrors: number;
  /** Reports that answer 403 (`forbidden`) or 500 (`error`) every time. */
  reports: Partial<Record<WorkspaceApplication, 'forbidden' | 'error'>>;
  /** Role and role-assignment lists answer 403. */
  rolesForbidden: boolean;
}

export interface WorkspaceQuota {
  /** Requests per window for the whole customer; Google meters the Admin SDK per minute. */
  requests: number;
  windowMs: number;
}

export interface WorkspaceSimulator {
  url: string;
  /** Where the connector exchanges its JWT: the token endpoint's origin. */
  tokenOrigin: string;
  serviceAccountKey: SimulatedAccount['key'];
  world: WorkspaceWorld;
  faults: WorkspaceFaults;
  /** API requests by path, token requests excluded. */
  requests: Map<string, number>;
  close(): Promise<void>;
}

type Reply = { status: number; body: unknown; headers?: Record<string, string> };

const googleError = (code: number, status: string, reason: string, message: string, domain = 'global'): Reply => ({
  status: code,
  body: { error: { code, message, errors: [{ message, domain, reason }], status } },
});

const NOT_AUTHORIZED = () =>
  googleError(403, 'PERMISSION_DENIED', 'forbidden', 'Not Authorized to access this resource/api');
const INSUFFICIENT = () =>
  googleError(403, 'PERMISSION_DENIED', 'insufficientPermissions', 'Request had insufficient authentication scopes.');

const pageToken = (offset: number) => Buffer.from(`o:${offset}`).toString('base64url');
function offsetOf(token: string | null): number | undefined {
  if (token === null || token === '') return 0;
  const m = /^o:(\d+)$/.exec(Buffer.from(token, 'base64url').toString());
  return m ? Number(m[1]) : undefined;
}

function pageSize(raw: string | null, max: number, fallback: number): number | undefined {
  if (raw === null) return fallback;
  const n = Number(raw);
  return Number.isInteger(n) && n >= 1 && n <= max ? n : undefined;
}

const badRequest = (message: string) => googleError(400, 'INVALID_ARGUMENT', 'invalid', message);

/** The Admin SDK's Directory and Reports APIs for one customer, on loopback, with a token endpoint beside them. */
export async function startWorkspaceSimulator(
  world: WorkspaceWorld,
  options: { host?: string; quota?: WorkspaceQuota; clock?: () => number } = {},
): Promise<WorkspaceSimulator> {
  const host = options.host ?? '127.0.0.1';
  const clock = options.clock ?? Date.now;
  const quota = options.quota ?? { requests: 2_400, windowMs: 60_000 };
  const account = simulatedAccount();
  const grants = new Map<string, Grant>();
  const faults: WorkspaceFaults = { throttle: 0, serverErrors: 0, reports: {}, rolesForbidden: false };
  const requests = new Map<string, number>();
  let window = { start: clock(), used: 0 };

  const byEmail = new Map<string, number>();
  const indexOf = (email: string): number | undefined => {
    if (byEmail.size === 0) for (let i = 0; i < world.userCount; i++) byEmail.set(world.user(i).primaryEmail, i);
    return byEmail.get(email.toLowerCase());
  };
  const isUser = (email: string) => indexOf(email) !== undefined;

  function paged<T>(url: URL, total: number, at: (i: number) => T, max: number, fallback: number) {
    const size = pageSize(url.searchParams.get('maxResults'), max, fallback);
    if (size === undefined) return { error: badRequest(`Invalid value for maxResults (1-${max})`) };
    const offset = offsetOf(url.searchParams.get('pageToken'));
    if (offset === undefined) return { error: badRequest('Invalid page token') };
    const items = Array.from({ length: Math.max(0, Math.min(size, total - offset)) }, (_, k) => at(offset + k));
    return { items, next: offset + size < total ? pageToken(offset + size) : undefined };
  }

  const userBody = (u: WorkspaceUser) => ({ kind: 'admin#directory#user', customerId: world.customerId, ...u });

  function api(req: IncomingMessage, url: URL): Reply {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
    const grant = grants.get(token);
    if (!grant || grant.expiresAt <= clock()) {
      return googleError(401, 'UNAUTHENTICATED', 'authError', 'Invalid Credentials');
    }
    const now = clock();
    if (now - window.start >= quota.windowMs) window = { start: now, used: 0 };
    if (++window.used > quota.requests || faults.throttle > 0) {
      if (faults.throttle > 0) faults.throttle--;
      const message = "Quota exceeded for quota metric 'Queries' and limit 'Queries per minute per user'.";
      return googleError(429, 'RESOURCE_EXHAUSTED', 'rateLimitExceeded', message, 'usageLimits');
    }
    if (faults.serverErrors > 0) {
      faults.serverErrors--;
      return googleError(503, 'UNAVAILABLE', 'backendError', 'Backend Error');
    }
    const subject = grant.subject === undefined ? undefined : indexOf(grant.subject);
    const caller = subject === undefined ? undefined : world.user(subject);
    const scoped = (scope: string) => grant.scopes.includes(scope);
    if (!caller || !(caller.isAdmin || caller.isDelegatedAdmin) || caller.suspended) return NOT_AUTHORIZED();
    const customer = (c: string | null) => c === 'my_customer' || c === world.customerId;
    const path = url.pathname;

    if (path === '/admin/directory/v1/users') {
      if (!scoped(WORKSPACE_SCOPES.users)) return INSUFFICIENT();
      const c = url.searchParams.get('customer');
      if (!customer(c) && url.searchParams.get('domain') !== world.domain) return badRequest('Bad Request');
      const page = paged(url, world.userCount, (i) => userBody(world.user(i)), 500, 100);
      if ('error' in page) return page.error!;
      return {
        status: 200,
        body: { kind: 'admin#directory#users', etag: '"sim"', users: page.items, nextPageToken: page.next },
      };
    }
    const roles = /^\/admin\/directory\/v1\/customer\/([^/]+)\/(roles|roleassignments)$/.exec(path);
    if (roles) {
      if (!scoped(WORKSPACE_SCOPES.roles)) return INSUFFICIENT();
      if (!customer(decodeURIComponent(roles[1]!))) return NOT_AUTHORIZED();
      if (faults.rolesForbidden) return NOT_AUTHORIZED();
      if (roles[2] === 'roles') {
        const page = paged(
          url,
          world.roles.length,
          (i) => ({ kind: 'admin#directory#role', ...world.roles[i]! }),
          100,
          100,
        );
        if ('error' in page) return page.error!;
        return { status: 200, body: { kind: 'admin#directory#roles', items: page.items, nextPageToken: page.next } };
      }
      const list = world.assignments;
      const page = paged(url, list.length, (i) => ({ kind: 'admin#directory#roleAssignment', ...list[i]! }), 200, 100);
      if ('error' in page) return page.error!;
      return {
        status: 200,
        body: { kind: 'admin#directory#roleAssignments', items: page.items, nextPageToken: page.next },
      };
    }
    const report = /^\/admin\/reports\/v1\/activity\/users\/([^/]+)\/applications\/([^/]+)$/.exec(path);
    if (report) {
      if (!scoped(WORKSPACE_SCOPES.reports)) return INSUFFICIENT();
      const app = report[2] as WorkspaceApplication;
      if (app !== 'login' && app !== 'admin') return badRequest(`Unknown application ${app}`);
      const fault = faults.reports[app];
      if (fault === 'forbidden') return NOT_AUTHORIZED();
      if (fault === 'error') return googleError(500, 'INTERNAL', 'backendError', 'Internal error encountered.');
      const newest = world.newest[app];
      const count = newest === null ? 0 : 3;
      const page = paged(
        url,
        count,
        (i) => ({
          kind: 'admin#reports#activity',
          id: {
            time: new Date(Date.parse(newest!) - i * 60_000).toISOString(),
            uniqueQualifier: String(-1_000 - i),
            applicationName: app,
            customerId: world.customerId,
          },
          actor: { email: world.user(1 + (i % 2)).primaryEmail, profileId: world.user(1 + (i % 2)).id },
          events: [
            {
              type: app === 'login' ? 'login' : 'USER_SETTINGS',
              name: app === 'login' ? 'login_success' : 'CHANGE_PASSWORD',
            },
          ],
        }),
        1_000,
        1_000,
      );
      if ('error' in page) return page.error!;
      return {
        status: 200,
        body: { kind: 'admin#reports#activities', items: page.items, nextPageToken: page.next },
      };
    }
    return googleError(404, 'NOT_FOUND', 'notFound', 'Not Found');
  }

  async function answer(req: IncomingMessage): Promise<Reply> {
    const url = new URL(req.url ?? '/', 'http://simulator');
    if (url.pathname === '/token' && req.method === 'POST') {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      return exchange(form, account, world, isUser, grants, clock());
    }
    if (req.method !== 'GET') return googleError(405, 'INVALID_ARGUMENT', 'badRequest', 'Method not allowed');
    requests.set(url.pathname, (requests.get(url.pathname) ?? 0) + 1);
    return api(req, url);
  }

  const server: Server = createServer((req, res: ServerResponse) => {
    answer(req)
      .then(({ status, body, headers }) => {
        res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', ...headers });
        res.end(JSON.stringify(body));
      })
      .catch(() => res.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const bound = server.address();
  if (bound === null || typeof bound === 'string') throw new Error('the Workspace simulator is not bound to a port');
  const origin = `http://${host}:${bound.port}`;
  return {
    url: `${origin}/`,
    tokenOrigin: origin,
    serviceAccountKey: account.key,
    world,
    faults,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
