import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { openTestDatabase, type TestDatabase } from '@evident/db/testing';
import { createLogger } from '@evident/pipeline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HttpSettings, type RunningServer, startServer } from './start.ts';

const METRICS_TOKEN = 'scrape-token-abcdefghijkl';

/** The logger's real output, line by line, as it would reach stdout. */
function capturedLogger() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { logger: createLogger({ level: 'info', destination }), lines };
}

describe('what the server gives away', () => {
  let db: TestDatabase;
  const settings = (overrides: Partial<HttpSettings> = {}): HttpSettings => ({
    port: 0,
    host: '127.0.0.1',
    redisUrl: 'redis://127.0.0.1:6379',
    secretKey: db.key,
    queuePrefix: `exposure-${randomBytes(4).toString('hex')}`,
    allowSignUp: true,
    rateLimit: { perMinute: 600, authPerMinute: 100 },
    ...overrides,
  });

  beforeAll(async () => {
    db = await openTestDatabase('pg');
  });
  afterAll(async () => {
    await db?.close();
  });

  describe('one server', () => {
    let server: RunningServer;
    const log = capturedLogger();
    beforeAll(async () => {
      server = await startServer(settings({ metricsToken: METRICS_TOKEN }), {
        database: db.database,
        logger: log.logger,
      });
    });
    afterAll(async () => {
      await server?.close();
    });

    it('logs share, invitation and share-pack URLs without their tokens', async () => {
      const share = randomBytes(32).toString('base64url');
      const invite = randomBytes(32).toString('base64url');
      for (const path of [`/s/${share}`, `/invite/${invite}`, `/s/${share}/evidence-packs/pack-2026-01-01.zip`])
        await fetch(`${server.url}${path}`);
      const requests = log.lines.filter((l) => l.includes('"req":'));
      expect(requests.length).toBeGreaterThanOrEqual(3);
      const all = log.lines.join('\n');
      expect(all).not.toContain(share);
      expect(all).not.toContain(invite);
      expect(all).toContain('"url":"/s/[redacted]"');
      expect(all).toContain('"url":"/invite/[redacted]"');
      expect(all).toContain('"url":"/s/[redacted]/evidence-packs/pack-2026-01-01.zip"');
    });

    it('serves /metrics only to the bearer of the metrics token', async () => {
      expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
      const wrong = await fetch(`${server.url}/metrics`, { headers: { authorization: 'Bearer guessed' } });
      expect(wrong.status).toBe(401);
      const right = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
      expect(right.status).toBe(200);
      expect(await right.text()).toContain('evident_server_starts_total');
    });

    it('answers a NUL in any text input with BAD_REQUEST naming the field, not a 500', async () => {
      const res = await fetch(`${server.url}/trpc/auth.signUp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-evident-csrf': '1' },
        body: JSON.stringify({
          organizationName: 'Acme\u0000MSP',
          email: `nul-${randomBytes(3).toString('hex')}@acme.example`,
          password: 'correct horse battery staple',
        }),
      });
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: { message: string; data: { code: string } } };
      expect(body.error.data.code).toBe('BAD_REQUEST');
      expect(body.error.message).toContain('organizationName');
      expect(log.lines.join('\n')).not.toContain('procedure failed');
    });
  });

  it('hides /metrics (404) when no token is configured', async () => {
    const server = await startServer(settings({ logLevel: 'silent' }), { database: db.database });
    try {
      expect((await fetch(`${server.url}/metrics`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it('answers /readyz with names and ok/failed only, and logs the failure itself', async () => {
    const log = capturedLogger();
    const server = await startServer(settings({ redisUrl: 'redis://127.0.0.1:1' }), {
      database: db.database,
      logger: log.logger,
    });
    try {
      const res = await fetch(`${server.url}/readyz`);
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ status: 'not ready', checks: { database: 'ok', redis: 'failed' } });
      const failure = log.lines.find((l) => l.includes('readiness check failed'));
      expect(failure).toContain('"dependency":"redis"');
    } finally {
      await server.close();
    }
  });

  it('refuses to start on a non-loopback address without PUBLIC_ORIGIN', async () => {
    await expect(
      startServer(settings({ host: '0.0.0.0', logLevel: 'silent' }), { database: db.database }),
    ).rejects.toThrow(/PUBLIC_ORIGIN is required/);
    const server = await startServer(
      settings({ host: '0.0.0.0', publicOrigin: 'https://evident.example.com', logLevel: 'silent' }),
      { database: db.database },
    );
    await server.close();
  });
});
