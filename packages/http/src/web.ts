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
    const p = await page(200);
    return reply.code(p.status).type(p.type).header('cache-control', 'no-cache').send(p.body);
  });
}
