import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CaughtRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The raw body, as the bytes arrived (decoded as UTF-8): what a signature is computed over. */
  body: string;
}

export interface WebhookCatcher {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  requests: CaughtRequest[];
  /** Answer requests to `path` with `status` (and `body`, after `delayMs`) from now on; 200 at once by default. */
  answer(path: string, status: number, body?: string, delayMs?: number): void;
  /** Resolves once `count` requests to `path` arrived, or rejects past the deadline. */
  waitFor(path: string, count: number, timeoutMs?: number): Promise<CaughtRequest[]>;
  close(): Promise<void>;
}

/** An HTTP server on loopback that records every request (method, path, headers, body) and answers as told. */
export async function startWebhookCatcher(): Promise<WebhookCatcher> {
  const requests: CaughtRequest[] = [];
  const answers = new Map<string, { status: number; body: string; delayMs: number }>();
  const waiters = new Set<() => void>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://catcher').pathname;
      requests.push({
        method: req.method ?? '',
        path,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      for (const w of waiters) w();
      const a = answers.get(path) ?? { status: 200, body: 'ok', delayMs: 0 };
      const reply = () => {
        if (!res.destroyed) res.writeHead(a.status, { 'content-type': 'text/plain' }).end(a.body);
      };
      if (a.delayMs > 0) setTimeout(reply, a.delayMs).unref();
      else reply();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const at = (path: string) => requests.filter((r) => r.path === path);
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    answer: (path, status, body = status < 400 ? 'ok' : 'error', delayMs = 0) =>
      answers.set(path, { status, body, delayMs }),
    waitFor: (path, count, timeoutMs = 20_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (at(path).length < count) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(at(path));
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`${at(path).length} of ${count} requests to ${path} arrived`));
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
