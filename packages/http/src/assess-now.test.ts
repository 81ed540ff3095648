import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashPassword, totpCode } from '@evident/api/testing';
import type { TenantId } from '@evident/core';
import { openWorld, type World } from '@evident/pipeline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from './start.ts';

const PASSWORD = 'correct horse battery staple';
const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

/** A loopback port nothing listens on: connections to it are refused at once. */
async function refusedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((ok) => probe.listen(0, '127.0.0.1', ok));
  const { port } = probe.address() as { port: number };
  await new Promise((ok) => probe.close(ok));
  return port;
}

describe('assess-now and exports while Redis is down', () => {
  let world: World;
  let server: RunningServer;
  let dir: string;
  let cookie = '';
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${server.url}/trpc/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-evident-csrf': '1', ...(cookie ? { cookie } : {}) },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    const set = res.headers.get('set-cookie');
    if (set) cookie = set.split(';')[0]!;
    return res;
  };

  beforeAll(async () => {
    world = await openWorld(['healthy'], 'pg');
    dir = await mkdtemp(join(tmpdir(), 'evident-down-'));
    const user = await world.store.createUser(world.org, {
      email: 'analyst@down.example',
      role: 'admin',
      passwordHash: await hashPassword(PASSWORD),
    });
    await world.store.setTotpSecret(world.org, user.id, SECRET);
    await world.store.confirmTotp(world.org, user.id);
    server = await startServer(
      {
        port: 0,
        host: '127.0.0.1',
        redisUrl: `redis://127.0.0.1:${await refusedPort()}`,
        secretKey: world.db.key,
        queuePrefix: world.prefix,
        allowSignUp: false,
        logLevel: 'silent',
        exports: { dir },
      },
      { database: world.db.database },
    );
    expect((await post('auth.signIn', { email: 'analyst@down.example', password: PASSWORD })).status).toBe(200);
    expect((await post('auth.verify', { code: await totpCode(SECRET) })).status).toBe(200);
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await world?.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** A 503 in words within two seconds, and no audit entry of the refused action. */
  async function refusedAtOnce(path: string, input: unknown, action: string) {
    const before = await world.store.listAudit(world.org, { limit: 1000 });
    const started = performance.now();
    const res = await post(path, input);
    const took = performance.now() - started;
    expect(res.status).toBe(503);
    const body = (await res.json()) as { error: { message: string; data: { code: string } } };
    expect(body.error.data.code).toBe('SERVICE_UNAVAILABLE');
    expect(body.error.message).toMatch(/job queue is not answering.*try again/i);
    expect(took).toBeLessThan(2_000);
    const after = await world.store.listAudit(world.org, { limit: 1000 });
    expect(after.slice(before.length).map((e) => e.action)).not.toContain(action);
    return after.slice(before.length).map((e) => e.action);
  }

  it('answers 503 with a plain reason within two seconds, and leaves no run behind', async () => {
    const tenant = [...world.tenants.values()][0] as TenantId;
    const actions = await refusedAtOnce('tenant.assessNow', { tenantId: tenant }, 'tenant.assess');
    expect(actions).not.toContain('run.start');
    expect(await world.store.listRuns(world.org, tenant)).toEqual([]);
  });

  it('refuses export now and export schedules the same way', async () => {
    const tenantId = [...world.tenants.values()][0] as TenantId;
    await refusedAtOnce('packs.exportNow', { tenantId }, 'evidence_pack.export_requested');
    await refusedAtOnce('packs.setSchedule', { tenantId, cron: '0 6 * * *', tz: 'UTC' }, 'evidence_pack.schedule_set');
  });
});
