import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RateLimit {
  /** Requests allowed per window; the next one is answered 429. */
  requests: number;
  windowMs: number;
}

/** A ticket as the simulated PSA holds it, in one shape for the three PSAs: what tests read. */
export interface SimTicket {
  id: number;
  companyId: number;
  summary: string;
  description: string;
  /** ConnectWise `externalXRef`, Autotask `externalID`; HaloPSA has none. */
  externalRef: string | null;
  status: number;
  closed: boolean;
  notes: { id: number; text: string }[];
}

export interface SimCompany {
  id: number;
  name: string;
  /** ConnectWise's short identifier. */
  identifier?: string;
}

export interface LoggedRequest {
  method: string;
  path: string;
  status: number;
}

export interface PsaSimulator {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  tickets(): SimTicket[];
  requests: LoggedRequest[];
  /** Answer the next `count` API requests (not authentication) with `status`. */
  failNext(status: number, count?: number): void;
  /** Acts on matching requests at once but answers them `ms` later (a crash between the PSA's work and its answer). */
  answerLate(method: string, path: RegExp, ms: number): void;
  close(): Promise<void>;
}

export interface Exchange {
  method: string;
  /** The path, without the query. */
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  /** Parsed JSON, or the form for a urlencoded body; undefined when empty. */
  body: unknown;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export const json = (status: number, body?: unknown, headers?: Record<string, string>): Reply => ({
  status,
  body,
  ...(headers ? { headers } : {}),
});

/**
 * A loopback HTTP server for a PSA: parses the body, applies the PSA's rate limit over a sliding window (429 with
 * `Retry-After` past it), injects failures on request and logs every answer.
 */
export async function startPsaServer(
  handle: (x: Exchange) => Reply,
  options: { rateLimit: RateLimit; exempt?: (path: string) => boolean },
): Promise<Omit<PsaSimulator, 'tickets'>> {
  const requests: LoggedRequest[] = [];
  const recent: number[] = [];
  let failures: { status: number; count: number } | null = null;
  let late: { method: string; path: RegExp; ms: number } | null = null;
  const send = (res: ServerResponse, r: Reply) => {
    const text = r.body === undefined ? '' : JSON.stringify(r.body);
    res.writeHead(r.status, { 'content-type': 'application/json; charset=utf-8', ...r.headers }).end(text);
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://psa');
      const raw = Buffer.concat(chunks).toString('utf8');
      const reply = (r: Reply) => {
        requests.push({ method: req.method ?? '', path: url.pathname, status: r.status });
        send(res, r);
      };
      const exempt = options.exempt?.(url.pathname) ?? false;
      if (!exempt) {
        const now = Date.now();
        while (recent.length > 0 && recent[0]! <= now - options.rateLimit.windowMs) recent.shift();
        if (recent.length >= options.rateLimit.requests) {
          const retry = Math.ceil((recent[0]! + options.rateLimit.windowMs - now) / 1000);
          return reply(json(429, { message: 'Too many requests' }, { 'retry-after': String(Math.max(1, retry)) }));
        }
        recent.push(now);
        if (failures && failures.count > 0) {
          failures.count--;
          return reply(json(failures.status, { message: 'simulated failure' }));
        }
      }
      let body: unknown;
      try {
        const form = (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
        body = raw === '' ? undefined : form ? new URLSearchParams(raw) : JSON.parse(raw);
      } catch {
        return reply(json(400, { message: 'The request body is not valid JSON' }));
      }
      const slow = late && late.method === req.method && late.path.test(url.pathname) ? late.ms : 0;
      const answer = (r: Reply) => (slow > 0 ? setTimeout(() => !res.destroyed && reply(r), slow).unref() : reply(r));
      try {
        answer(
          handle({
            method: req.method ?? 'GET',
            path: url.pathname,
            query: url.searchParams,
            headers: req.headers,
            body,
          }),
        );
      } catch (error) {
        answer(json(500, { message: (error as Error).message }));
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    failNext: (status, count = 1) => {
      failures = { status, count };
    },
    answerLate: (method, path, ms) => {
      late = ms > 0 ? { method, path, ms } : null;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
