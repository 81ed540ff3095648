import { readFile } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ApiDeps, type RequestInfo, resolveShare } from '@evident/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** The built web app (`npm run build`); when absent, pages answer 503 with how to build it, and the API still runs. */
export const WEB_DIST = fileURLToPath(new URL('../../../apps/web/dist/', import.meta.url));

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};
const NOT_BUILT = 'The web app is not built. Run `npm run build`, then reload.';

const SETTINGS_TABS = ['branding', 'staff', 'sessions', 'security', 'alerts', 'integrations'];
const TENANT_PAGES = ['shares', 'exceptions', 'schedules'];

/**
 * Whether a path is one of the app's pages, as `apps/web/src/router.tsx` parses them. Any other path still gets the
 * app (which shows its "page not found"), but with 404, so links checkers and crawlers see a missing page as missing.
 */
export function isAppPage(pathname: string): boolean {
  let parts: string[];
  try {
    parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    return false;
  }
  const [a = '', b = '', c = ''] = parts;
  switch (parts.length) {
    case 0:
      return true;
    case 1:
      return ['sign-in', 'sign-up', 'audit', 'verify', 'settings'].includes(a);
    case 2:
      return (
        (a === 'sso' && b === 'callback') ||
        (a === 'settings' && SETTINGS_TABS.includes(b)) ||
        a === 'invite' ||
        a === 'tenants'
      );
    case 3:
      return a === 'tenants' && TENANT_PAGES.includes(c);
    case 4:
      return a === 'tenants' && c === 'controls';
    default:
      return false;
  }
}

/**
 * Serves the app's pages and hashed assets. `/s/<token>` is resolved as every share access is (`resolveShare`):
 * 404 for a token that is unknown, revoked, expired or of a deleted tenant, and each opening is in the access log.
 */
export function registerWebApp(
  app: FastifyInstance,
  deps: ApiDeps,
  requestInfo: (req: FastifyRequest) => RequestInfo,
  dist = WEB_DIST,
): void {
  const root = resolve(dist);
  const index = () => readFile(join(root, 'index.html')).catch(() => null);
  const page = async (status: number) => {
    const html = await index();
    return html
      ? { status, type: 'text/html; charset=utf-8', body: html }
      : { status: status === 404 ? 404 : 503, type: 'text/plain', body: NOT_BUILT };
  };

  app.get('/assets/*', async (req, reply) => {
    const file = resolve(root, 'assets', (req.params as { '*': string })['*']);
    const body = file.startsWith(`${root}${sep}assets${sep}`) ? await readFile(file).catch(() => null) : null;
    if (!body) return reply.code(404).type('text/plain').send('not found');
    return reply
      .type(TYPES[extname(file)] ?? 'application/octet-stream')
      .header('cache-control', 'public, max-age=31536000, immutable')
      .send(body);
  });

  app.get('/s/:token', async (req, reply) => {
    const { token } = req.params as { token: string };
    const share = await resolveShare(deps, token, { ...requestInfo(req), what: 'page' });
    const p = await page(share ? 200 : 404);
    return reply.code(p.status).type(p.type).header('cache-control', 'no-store').send(p.body);
  });

  app.setNotFoundHandler(async (req, reply) => {
    const api = /^\/(trpc|healthz|readyz|metrics)(\/|$)/.test(req.url);
    if (req.method !== 'GET' || api) return reply.code(404).send({ error: 'not_found', message: 'no such route' });
    const p = await page(isAppPage(new URL(req.url, 'http://app').pathname) ? 200 : 404);
    return reply.code(p.status).type(p.type).header('cache-control', 'no-cache').send(p.body);
  });
}
