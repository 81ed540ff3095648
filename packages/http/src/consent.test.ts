import { entraWithAccount, signedIn, testDeps } from '@evident/api/testing';
import { openTestDatabase, type TestDatabase } from '@evident/db/testing';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from './app.ts';
import { sessionCookieName } from './cookies.ts';
import { createMetrics } from './metrics.ts';

const TENANT = '3d1c9f0e-7a2b-4c5d-8e6f-0a1b2c3d4e5f';

describe('GET /consent/microsoft/callback', () => {
  let db: TestDatabase;
  let app: FastifyInstance;
  let admin: Awaited<ReturnType<typeof signedIn>>;
  let accountId: string;

  beforeAll(async () => {
    db = await openTestDatabase('pg');
    const deps = testDeps(db.store, {
      connectors: { entra: entraWithAccount().connector },
      publicOrigin: 'https://evident.example',
    });
    app = await buildServer({
      deps,
      logger: pino({ level: 'silent' }),
      metrics: createMetrics(),
      publicOrigin: 'https://evident.example',
      rateLimit: { perMinute: 1_000, authPerMinute: 1_000 },
      ready: {},
    });
    admin = await signedIn(deps, { email: 'owner@consent.example', organizationName: 'Consent MSP' });
    ({ id: accountId } = await admin.call.integrations.createAccount({
      kind: 'entra',
      name: 'Partner app',
      config: { clientId: 'c0ffee00-0000-4000-8000-0000000000aa' },
      secret: { clientSecret: 'x' },
    }));
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  const callback = async (query: Record<string, string>) =>
    app.inject({
      method: 'GET',
      url: `/consent/microsoft/callback?${new URLSearchParams(query)}`,
      headers: { cookie: `${sessionCookieName(true)}=${admin.req.sessionToken}` },
    });
  const state = async () =>
    new URL((await admin.call.integrations.startConsent({ accountId: accountId as never })).url).searchParams.get(
      'state',
    )!;

  it('creates the customer on consent and opens its page; the same answer again is refused in words', async () => {
    const s = await state();
    const ok = await callback({ tenant: TENANT, admin_consent: 'True', state: s });
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toMatch(/^\/tenants\/ten_[0-9a-z]{26}\?consent=granted$/);
    const replay = await callback({ tenant: TENANT, admin_consent: 'True', state: s });
    expect(replay.statusCode).toBe(400);
    expect(replay.headers['content-type']).toMatch(/text\/html/);
    expect(replay.body).toContain('already used, it expired');
    expect(await db.store.listTenants(admin.org)).toHaveLength(1);
  });

  it('shows Microsoft’s refusal escaped, and creates nothing', async () => {
    const res = await callback({
      error: 'invalid_client',
      error_description: 'AADSTS700016: <script>alert(1)</script> not found.',
      state: await state(),
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('AADSTS700016');
    expect(res.body).not.toContain('<script>');
    expect(res.body).toContain('&lt;script&gt;');
    expect(await db.store.listTenants(admin.org)).toHaveLength(1);
  });
});
