import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { type ApiDeps, appRouter, type Context } from '@evident/api';
import { sha256 } from '@evident/db';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';

/**
 * Hosts the built app and the API on loopback the way the server does: session cookie, CSRF header on
 * mutations, share token header, and `/s/<token>` answered 404 when the token is unknown, revoked or expired.
 */
const COOKIE = 'evident_session';
const CSRF_HEADER = 'x-evident-csrf';
const SHARE_HEADER = 'x-evident-share';
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
};

const cookie = (req: IncomingMessage, name: string) =>
  (req.headers.cookie ?? '')
    .split(';')
    .map((c) => c.trim().split('='))
    .find(([k]) => k === name)?.[1] ?? null;

export async function startHost(deps: ApiDeps, dist: string): Promise<{ url: string; close(): Promise<void> }> {
  const trpc = createHTTPHandler({
    router: appRouter,
    basePath: '/trpc/',
    createContext: ({ req, res }): Context => ({
      deps,
      req: {
        address: req.socket.remoteAddress ?? null,
        userAgent: req.headers['user-agent'] ?? null,
        sessionToken: cookie(req, COOKIE),
        shareToken: (req.headers[SHARE_HEADER] as string | undefined) ?? null,
      },
      res: {
        setSession(token, maxAgeMs) {
          const value = token ?? '';
          const age = token ? Math.floor(maxAgeMs / 1000) : 0;
          res.appendHeader('set-cookie', `${COOKIE}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${age}`);
        },
      },
    }),
  });
  const index = await readFile(join(dist, 'index.html'));

  const serve = async (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://host').pathname;
    if (path.startsWith('/trpc/')) {
      if (req.method === 'POST' && req.headers[CSRF_HEADER] !== '1') {
        res.writeHead(403).end('missing CSRF header');
        return;
      }
      trpc(req, res);
      return;
    }
    if (path.startsWith('/assets/')) {
      const file = normalize(join(dist, path));
      if (!file.startsWith(dist)) return void res.writeHead(404).end();
      try {
        const body = await readFile(file);
        res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
      } catch {
        res.writeHead(404).end();
      }
      return;
    }
    let status = 200;
    const share = /^\/s\/([^/]+)$/.exec(path)?.[1];
    if (share && !(await deps.store.findShareByToken(sha256(decodeURIComponent(share))))) status = 404;
    res.writeHead(status, { 'content-type': TYPES['.html'] as string }).end(index);
  };

  const server: Server = createServer((req, res) => {
    serve(req, res).catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
