import type { AppRouter } from '@evident/api';
import { hashPassword, totpCode } from '@evident/api/testing';
import { openWorld, type World } from '@evident/pipeline/testing';
import { createTRPCClient, httpBatchLink, httpLink, splitLink, type TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from './start.ts';

const PASSWORD = 'correct horse battery staple';
const METRICS_TOKEN = 'scrape-token-0123456789';

/** A real tRPC client over HTTP that keeps the session cookie and sends the CSRF header, as the web app does. */
function client(base: string) {
  const jar: { cookie?: string; setCookie?: string } = {};
  const options = {
    url: `${base}/trpc`,
    headers: () => ({ 'x-evident-csrf': '1', ...(jar.cookie ? { cookie: jar.cookie } : {}) }),
    fetch: async (url: string | URL, init?: RequestInit) => {
      const res = await fetch(url, init);
      const set = res.headers.get('set-cookie');
      if (set) {
        jar.setCookie = set;
        const [pair] = set.split(';');
        jar.cookie = pair!.endsWith('=') ? undefined : pair;
      }
      return res;
    },
  };
  const trpc = createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.path.startsWith('auth.'),
        true: httpLink(options),
        false: httpBatchLink(options),
      }),
    ],
  });
  return { trpc, jar };
}

describe('the server over HTTP', () => {
  let world: World;
  let server: RunningServer;
  let secret: string;
  const email = 'owner@acme.example';

  beforeAll(async () => {
    world = await openWorld(['healthy'], 'pg');
    const user = await world.store.createUser(world.org, {
      email,
      role: 'owner',
      passwordHash: await hashPassword(PASSWORD),
    });
    secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
    await world.store.setTotpSecret(world.org, user.id, secret);
    await world.store.confirmTotp(world.org, user.id);
    server = await startServer(
      {
        port: 0,
        host: '127.0.0.1',
        redisUrl: 'redis://127.0.0.1:6379',
        secretKey: world.db.key,
        queuePrefix: world.prefix,
        allowSignUp: true,
        rateLimit: { perMinute: 600, authPerMinute: 40 },
        logLevel: 'silent',
        metricsToken: METRICS_TOKEN,
      },
      { database: world.db.database },
    );
  });

  afterAll(async () => {
    await server?.close();
    await world?.close();
  });

  it('answers health, readiness (database and Redis) and metrics, with security headers and a request id', async () => {
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(health.headers.get('x-content-type-options')).toBe('nosniff');
    expect(health.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(health.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const echoed = await fetch(`${server.url}/healthz`, { headers: { 'x-request-id': 'abc-123' } });
    expect(echoed.headers.get('x-request-id')).toBe('abc-123');
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { database: 'ok', redis: 'ok' } });
  });

  it('refuses a mutation without the CSRF header or from another origin', async () => {
    const body = JSON.stringify({ email, password: 'x' });
    const bare = await fetch(`${server.url}/trpc/auth.signIn`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json' },
    });
    expect(bare.status).toBe(403);
    const foreign = await fetch(`${server.url}/trpc/auth.signIn`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'x-evident-csrf': '1', origin: 'https://evil.example' },
    });
    expect(foreign.status).toBe(403);
  });

  it('signs in with password and TOTP; the session cookie is HttpOnly, SameSite=Lax, and rotates', async () => {
    const { trpc, jar } = client(server.url);
    expect(await trpc.auth.signIn.mutate({ email, password: PASSWORD })).toEqual({ next: 'totp' });
    expect(jar.setCookie).toMatch(/^evident_session=[A-Za-z0-9_-]{43}; Max-Age=\d+; Path=\/; HttpOnly; SameSite=Lax$/);
    const first = jar.cookie;
    await expect(trpc.auth.me.query()).rejects.toSatisfy(
      (e: TRPCClientError<AppRouter>) => e.data?.code === 'UNAUTHORIZED',
    );
    await trpc.auth.verify.mutate({ code: await totpCode(secret) });
    expect(jar.cookie).not.toBe(first);
    const me = await trpc.auth.me.query();
    expect(me.user.email).toBe(email);
    const portfolio = await trpc.portfolio.matrix.query({});
    expect(portfolio.tenants.length).toBeGreaterThan(0);
    await trpc.auth.signOut.mutate();
    expect(jar.setCookie).toContain('Max-Age=0');
  });

  it('streams the progress of a real assessment over SSE until it is done', async () => {
    const worker = await world.start();
    try {
      const { trpc, jar } = client(server.url);
      await trpc.auth.signIn.mutate({ email, password: PASSWORD });
      await trpc.auth.verify.mutate({ code: await totpCode(secret) });
      const [tenant] = await trpc.tenant.list.query();
      const { runId } = await trpc.tenant.assessNow.mutate({ tenantId: tenant!.id });
      const input = encodeURIComponent(JSON.stringify({ tenantId: tenant!.id, runId }));
      const res = await fetch(`${server.url}/trpc/tenant.runProgress?input=${input}`, {
        headers: { accept: 'text/event-stream', cookie: jar.cookie! },
        signal: AbortSignal.timeout(60_000),
      });
      expect(res.headers.get('content-type')).toContain('text/event-stream');
      const updates: { status: string; connections: { done: boolean; facts: number }[] }[] = [];
      const decoder = new TextDecoder();
      let buffer = '';
      for await (const chunk of res.body!) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        for (const line of buffer.split('\n')) {
          if (line.startsWith('data: ') && line.includes('"runId"')) updates.push(JSON.parse(line.slice(6)));
        }
        buffer = buffer.slice(buffer.lastIndexOf('\n') + 1);
        if (updates.at(-1)?.status && updates.at(-1)!.status !== 'running') break;
      }
      const last = updates.at(-1)!;
      expect(last.status).toBe('succeeded');
      expect(last.connections.length).toBeGreaterThan(0);
      expect(last.connections.every((c) => c.done)).toBe(true);
      expect(last.connections.some((c) => c.facts > 0)).toBe(true);
      const results = await trpc.tenant.results.query({ tenantId: tenant!.id });
      expect(results.runId).toBe(runId);
      const metrics = await (
        await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
      ).text();
      expect(metrics).toMatch(/evident_trpc_request_duration_seconds_bucket\{le="[^"]+",procedure="tenant.assessNow"/);
      expect(metrics).toContain('evident_queue_jobs{queue="collect"');
    } finally {
      await worker.close(1_000);
    }
  }, 120_000);

  it('locks an account after repeated failures, then rate-limits sign-in attempts per address', async () => {
    const { trpc } = client(server.url);
    for (let i = 0; i < 5; i++)
      await expect(trpc.auth.signIn.mutate({ email, password: 'wrong password' })).rejects.toSatisfy(
        (e: TRPCClientError<AppRouter>) => e.data?.code === 'UNAUTHORIZED',
      );
    await expect(trpc.auth.signIn.mutate({ email, password: PASSWORD })).rejects.toSatisfy(
      (e: TRPCClientError<AppRouter>) => e.data?.code === 'TOO_MANY_REQUESTS',
    );
    let limited: Response | undefined;
    for (let i = 0; i < 60 && !limited; i++) {
      const res = await fetch(`${server.url}/trpc/auth.signIn`, {
        method: 'POST',
        body: JSON.stringify({ email: 'x@y.example', password: 'x' }),
        headers: { 'content-type': 'application/json', 'x-evident-csrf': '1' },
      });
      if (res.status === 429 && res.headers.get('retry-after')) limited = res;
    }
    expect(limited?.status).toBe(429);
  });

  describe('rate limits', () => {
    const settings = (queuePrefix: string, redisUrl = 'redis://127.0.0.1:6379') => ({
      port: 0,
      host: '127.0.0.1',
      redisUrl,
      secretKey: world.db.key,
      queuePrefix,
      allowSignUp: true,
      rateLimit: { perMinute: 600, authPerMinute: 5 },
      logLevel: 'silent',
    });
    // A query of the auth limit that touches no sign-in lockout: unauthorized, or refused by the limiter.
    const pending = async (base: string) => (await fetch(`${base}/trpc/auth.pending`)).status;

    it('are shared by replicas through Redis: two servers together exceed what each alone would not', async () => {
      const prefix = `${world.prefix}-pair-${Date.now()}`;
      const a = await startServer(settings(prefix), { database: world.db.database });
      const b = await startServer(settings(prefix), { database: world.db.database });
      try {
        const fromA = [await pending(a.url), await pending(a.url), await pending(a.url)];
        const fromB = [await pending(b.url), await pending(b.url), await pending(b.url)];
        expect(fromA).toEqual([401, 401, 401]);
        expect(fromB).toEqual([401, 401, 429]);
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    });

    it('let requests through when Redis does not answer, rather than take the site down', async () => {
      const alone = await startServer(settings(`${world.prefix}-down`, 'redis://127.0.0.1:1'), {
        database: world.db.database,
      });
      try {
        const statuses = [];
        for (let i = 0; i < 7; i++) statuses.push(await pending(alone.url));
        expect(statuses).toEqual(Array.from({ length: 7 }, () => 401));
      } finally {
        await alone.close();
      }
    });
  });
});
