import type { IncomingMessage, ServerResponse } from 'node:http';
import { accessTokenBody, verifyAppJwt } from './app.ts';
import type { GithubState } from './handle.ts';
import { installationBody } from './installations.ts';
import { lazyList } from './lazy-list.ts';
import { DOCS, githubError, notFound, pagedReply, pageQuery, type Reply } from './reply.ts';

const ACCESS_TOKENS = /^\/app\/installations\/(\d+)\/access_tokens$/;
const INSTALLATION = /^\/app\/installations\/(\d+)$/;

const GET_DOCS = 'https://docs.github.com/rest/apps/apps#get-an-installation-for-the-authenticated-app';

/**
 * The endpoints a GitHub App calls as itself, with its JWT (checked against its key and the simulator's clock):
 * `GET /app/installations` (paged), `GET /app/installations/{id}` and `POST /app/installations/{id}/access_tokens`,
 * which a suspended installation is refused.
 */
export function serveApp(
  state: GithubState,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  requestId: string,
): void {
  const now = state.clock();
  const api = state.api();
  const tokenFor = req.method === 'POST' ? ACCESS_TOKENS.exec(url.pathname) : null;
  const one = req.method === 'GET' ? INSTALLATION.exec(url.pathname) : null;
  const list = req.method === 'GET' && url.pathname === '/app/installations';
  const endpoint = tokenFor
    ? 'POST /app/installations/{installation_id}/access_tokens'
    : one
      ? 'GET /app/installations/{installation_id}'
      : list
        ? 'GET /app/installations'
        : `${req.method} (unmatched)`;
  const id = Number((tokenFor ?? one)?.[1]);
  const tenant = tokenFor ? state.tenants.installation(id) : undefined;
  const installation = state.appInstallations.find((i) => i.id === id);

  const answer = (): Reply => {
    const refused = verifyAppJwt(req.headers.authorization, state.app, now);
    if (refused) return refused;
    if (list) {
      const q = pageQuery.parse(Object.fromEntries(url.searchParams));
      const all = state.appInstallations;
      return pagedReply(
        lazyList(all.length, (i) => all[i]!),
        url,
        q,
        (i) => installationBody(i, state.app, api),
      );
    }
    if (one)
      return installation ? { status: 200, body: installationBody(installation, state.app, api) } : notFound(GET_DOCS);
    if (!tokenFor || !tenant) return notFound(DOCS.installation);
    if (installation?.suspended) return githubError(403, 'This installation has been suspended', DOCS.installation);
    const token = state.installations.issue(tenant.org.login, tenant.org.world.appPermissions, now);
    return { status: 201, body: accessTokenBody(token) };
  };
  const reply = answer();
  state.accounting.request('github', tenant?.name ?? '(app)', endpoint, reply.status < 300);
  const body = JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    'content-type': 'application/json; charset=utf-8',
    'x-github-request-id': requestId,
    date: new Date(now).toUTCString(),
    'content-length': String(Buffer.byteLength(body)),
    ...reply.headers,
  });
  res.end(body);
}
