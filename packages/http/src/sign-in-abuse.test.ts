import { randomBytes } from 'node:crypto';
import { limitPasswordWork } from '@evident/api';
import { hashPassword, totpCode } from '@evident/api/testing';
import { newId } from '@evident/core';
import { openTestDatabase, type TestDatabase } from '@evident/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HttpSettings, type RunningServer, startServer } from './start.ts';

const PASSWORD = 'correct horse battery staple';
const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

interface Answer {
  status: number;
  body: unknown;
  cookie: string | undefined;
}

/** One raw request to the API, from the address the ingress would append to X-Forwarded-For. */
async function call(
  base: string,
  path: string,
  options: { from: string; body?: unknown; cookie?: string; batch?: boolean },
): Promise<Answer> {
  const res = await fetch(`${base}/trpc/${path}${options.batch ? '?batch=1' : ''}`, {
    method: options.body === undefined ? 'GET' : 'POST',
    headers: {
      'content-type': 'application/json',
      'x-evident-csrf': '1',
      'x-forwarded-for': options.from,
      ...(options.cookie ? { cookie: options.cookie } : {}),
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const set = res.headers.get('set-cookie');
  return { status: res.status, body: await res.json(), cookie: set?.split(';')[0] };
}

const code = (a: Answer) => (a.body as { error?: { data?: { code?: string } } }).error?.data?.code;
const message = (a: Answer) => (a.body as { error?: { message?: string } }).error?.message ?? '';
const batchOf = <T>(inputs: T[]) => Object.fromEntries(inputs.map((input, i) => [String(i), input]));

let n = 0;
const nextAddress = () => `203.0.113.${++n}`;

describe('sign-in abuse over HTTP', () => {
  let db: TestDatabase;
  let server: RunningServer;
  let at = Date.now();
  const org = newId('org');

  const settings = (overrides: Partial<HttpSettings> = {}): HttpSettings => ({
    port: 0,
    host: '127.0.0.1',
    redisUrl: 'redis://127.0.0.1:6379',
    secretKey: db.key,
    queuePrefix: `abuse-${randomBytes(4).toString('hex')}`,
    allowSignUp: true,
    trustProxy: 1,
    rateLimit: { perMinute: 2_000, authPerMinute: 1_000 },
    logLevel: 'silent',
    ...overrides,
  });

  /** A staff member with a confirmed second factor. */
  const owner = async () => {
    const email = `owner-${randomBytes(4).toString('hex')}@acme.example`;
    const user = await db.store.createUser(org, { email, role: 'owner', passwordHash: await hashPassword(PASSWORD) });
    await db.store.setTotpSecret(org, user.id, SECRET);
    await db.store.confirmTotp(org, user.id);
    return email;
  };

  beforeAll(async () => {
    db = await openTestDatabase('pg');
    await db.store.createOrganization(org, { name: 'Acme MSP' });
    server = await startServer(settings(), { database: db.database, deps: { now: () => new Date(at) } });
  });

  afterAll(async () => {
    await server?.close();
    await db?.close();
    limitPasswordWork({ concurrent: 2, waiting: 32 });
  });

  it('refuses whole a batch of 300 wrong second-factor codes and the right one, before any runs', async () => {
    const from = nextAddress();
    const email = await owner();
    const signedIn = await call(server.url, 'auth.signIn', { from, body: { email, password: PASSWORD } });
    expect(signedIn.status).toBe(200);
    const right = await totpCode(SECRET, () => new Date(at));
    const codes = [...Array.from({ length: 300 }, (_, i) => String(i).padStart(6, '0')), right];
    const path = codes.map(() => 'auth.verify').join(',');
    const batch = await call(server.url, path, {
      from,
      batch: true,
      cookie: signedIn.cookie,
      body: batchOf(codes.map((c) => ({ code: c }))),
    });
    expect(batch.status).toBe(400);
    expect(batch.cookie).toBeUndefined();
    const answers = batch.body as { error: { message: string; data: { code: string } } }[];
    expect(answers).toHaveLength(301);
    expect(answers.every((a) => a.error.data.code === 'BAD_REQUEST')).toBe(true);
    expect(answers[0]!.error.message).toMatch(/not batched/);
    // Nothing ran: the half-signed-in session is still half, and no attempt was counted against the owner.
    expect((await call(server.url, 'auth.me', { from, cookie: signedIn.cookie })).status).toBe(401);
    const verified = await call(server.url, 'auth.verify', { from, cookie: signedIn.cookie, body: { code: right } });
    expect(verified.status).toBe(200);
  });

  it('refuses a batch of passwords, so one request can neither guess many nor lock the owner out', async () => {
    const from = nextAddress();
    const email = await owner();
    const guesses = [...Array.from({ length: 20 }, (_, i) => `wrong password ${i}`), PASSWORD];
    const batch = await call(server.url, guesses.map(() => 'auth.signIn').join(','), {
      from,
      batch: true,
      body: batchOf(guesses.map((password) => ({ email, password }))),
    });
    expect(batch.status).toBe(400);
    expect(batch.cookie).toBeUndefined();
    const single = await call(server.url, 'auth.signIn', { from: nextAddress(), body: { email, password: PASSWORD } });
    expect(single.status).toBe(200);
    expect(single.body).toEqual({ result: { data: { next: 'totp' } } });
  });

  it('counts simultaneous wrong passwords one by one: the free five fail, the rest wait a delay that ends', async () => {
    const from = nextAddress();
    const email = await owner();
    const answers = await Promise.all(
      Array.from({ length: 12 }, () => call(server.url, 'auth.signIn', { from, body: { email, password: 'wrong!' } })),
    );
    const codes = answers.map(code).sort();
    expect(codes.filter((c) => c === 'UNAUTHORIZED')).toHaveLength(5);
    expect(codes.filter((c) => c === 'TOO_MANY_REQUESTS')).toHaveLength(7);
    const held = await call(server.url, 'auth.signIn', { from: nextAddress(), body: { email, password: PASSWORD } });
    expect(code(held)).toBe('TOO_MANY_REQUESTS');
    expect(message(held)).toMatch(/try again in 30 s/);
    at += 31_000;
    const after = await call(server.url, 'auth.signIn', { from: nextAddress(), body: { email, password: PASSWORD } });
    expect(after.status).toBe(200);
  });

  it('counts each procedure of a batch against the per-address limit', async () => {
    const limited = await startServer(settings({ rateLimit: { perMinute: 20, authPerMinute: 5 } }), {
      database: db.database,
    });
    try {
      const from = nextAddress();
      const path = Array.from({ length: 21 }, () => 'portfolio.matrix').join(',');
      const input = encodeURIComponent(JSON.stringify(batchOf(Array.from({ length: 21 }, () => ({})))));
      const res = await fetch(`${limited.url}/trpc/${path}?batch=1&input=${input}`, {
        headers: { 'x-forwarded-for': from },
      });
      expect(res.status).toBe(429);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await limited.close();
    }
  });

  it('caps the argon2 work in flight: sign-ins past the cap and its queue are refused, not piled up', async () => {
    const busy = await startServer(settings({ passwordWork: { concurrent: 1, waiting: 1 } }), {
      database: db.database,
    });
    try {
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          call(busy.url, 'auth.signIn', {
            from: nextAddress(),
            body: { email: `nobody${i}@nowhere.example`, password: 'any password at all' },
          }),
        ),
      );
      const refused = answers.filter((a) => code(a) === 'TOO_MANY_REQUESTS');
      expect(refused.length).toBeGreaterThan(0);
      expect(message(refused[0]!)).toMatch(/busy/);
      expect(answers.filter((a) => code(a) === 'UNAUTHORIZED').length).toBeGreaterThan(0);
    } finally {
      await busy.close();
    }
  });
});
