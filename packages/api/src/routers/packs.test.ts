import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeBothDrivers } from '@evident/db/testing';
import { localStorage, storedPacks } from '@evident/evidence';
import { TRPCError } from '@trpc/server';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { agent, signedIn, testDeps } from '../testing/index.ts';

const refused = async (call: Promise<unknown>, code: TRPCError['code']) => {
  const error = await call.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error instanceof TRPCError && error.code, String(error)).toBe(code);
};

async function* bytes(text: string) {
  yield new TextEncoder().encode(text);
}

let dir: string;
let redis: Redis;
const prefix = `packs-test-${process.pid}-${Date.now()}`;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'evident-packs-'));
  redis = new Redis('redis://127.0.0.1:6379');
});
afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
  await rm(dir, { recursive: true, force: true });
});

let n = 0;
describeBothDrivers('evidence-pack procedures', (t) => {
  async function world() {
    const storage = localStorage(join(dir, String(++n)));
    const jobs = { connection: redis, prefix };
    const deps = testDeps(t().store, { packs: storedPacks(storage, jobs, () => new Date()) });
    const owner = await signedIn(deps, { email: `owner${n}@a.example`, organizationName: `A${n}` });
    const tenant = await owner.call.tenant.create({ name: 'Contoso', kind: 'customer' });
    const other = await owner.call.tenant.create({ name: 'Fabrikam', kind: 'customer' });
    await storage.put(`${owner.org}/${tenant.id}/evidence-20261101T060000Z.zip`, bytes('older'));
    await storage.put(`${owner.org}/${tenant.id}/evidence-20261201T060000Z.zip`, bytes('newer pack'));
    await storage.put(`${owner.org}/${other.id}/evidence-20261201T060000Z.zip`, bytes('other tenant'));
    const as = (role: 'viewer' | 'analyst' | 'admin') =>
      signedIn(deps, { email: `${role}${n}@a.example`, org: owner.org, role });
    return { deps, owner, tenant, other, as, jobs };
  }

  it('lists a tenant’s packs, newest first, and only that tenant’s', async () => {
    const { owner, tenant, as } = await world();
    const viewer = await as('viewer');
    const list = await viewer.call.packs.list({ tenantId: tenant.id });
    expect(list.map((p) => [p.name, p.size])).toEqual([
      ['evidence-20261201T060000Z.zip', 10],
      ['evidence-20261101T060000Z.zip', 5],
    ]);
    expect((await owner.call.packs.list({ tenantId: tenant.id })).length).toBe(2);
  });

  it('exports now for analysts, once per minute, audited; viewers are refused', async () => {
    const { owner, tenant, as, jobs } = await world();
    const analyst = await as('analyst');
    const first = await analyst.call.packs.exportNow({ tenantId: tenant.id });
    const again = await analyst.call.packs.exportNow({ tenantId: tenant.id });
    expect(first.jobId).toMatch(new RegExp(`^export\\.${tenant.id}\\.\\d{12}$`));
    expect(again.jobId).toBe(first.jobId);
    const queue = new Queue('export', { connection: jobs.connection, prefix: jobs.prefix });
    expect((await queue.getJob(first.jobId))?.data).toEqual({ organizationId: owner.org, tenantId: tenant.id });
    await queue.close();
    await refused((await as('viewer')).call.packs.exportNow({ tenantId: tenant.id }), 'FORBIDDEN');
    const audit = await owner.call.organization.audit({ action: 'evidence_pack.export_requested' });
    expect(audit.events.length).toBe(2);
  });

  it('sets and clears the export schedule for admins; a bad cron or time zone is refused', async () => {
    const { owner, tenant, as, jobs } = await world();
    const admin = await as('admin');
    const queue = new Queue('export', { connection: jobs.connection, prefix: jobs.prefix });
    const viewer = await as('viewer');
    expect(await viewer.call.packs.schedule({ tenantId: tenant.id })).toEqual({ schedule: null });
    await admin.call.packs.setSchedule({ tenantId: tenant.id, cron: '0 6 1 * *', tz: 'Europe/London' });
    expect(await queue.getJobScheduler(`export-schedule.${tenant.id}`)).toMatchObject({
      pattern: '0 6 1 * *',
      tz: 'Europe/London',
    });
    expect(await viewer.call.packs.schedule({ tenantId: tenant.id })).toEqual({
      schedule: { cron: '0 6 1 * *', tz: 'Europe/London' },
    });
    await refused(admin.call.packs.setSchedule({ tenantId: tenant.id, cron: '0 6 1 *', tz: 'UTC' }), 'BAD_REQUEST');
    await refused(
      admin.call.packs.setSchedule({ tenantId: tenant.id, cron: '0 6 1 * *', tz: 'Mars/Olympus' }),
      'BAD_REQUEST',
    );
    await refused(
      (await as('analyst')).call.packs.setSchedule({ tenantId: tenant.id, cron: '0 6 1 * *', tz: 'UTC' }),
      'FORBIDDEN',
    );
    await admin.call.packs.clearSchedule({ tenantId: tenant.id });
    expect(await queue.getJobScheduler(`export-schedule.${tenant.id}`)).toBeFalsy();
    expect(await viewer.call.packs.schedule({ tenantId: tenant.id })).toEqual({ schedule: null });
    await queue.close();
    const audit = await owner.call.organization.audit({});
    expect(audit.events.map((e) => e.action)).toEqual(
      expect.arrayContaining(['evidence_pack.schedule_set', 'evidence_pack.schedule_cleared']),
    );
  });

  it('shows packs through a share only when the share names evidence_packs', async () => {
    const { deps, owner, tenant } = await world();
    const withPacks = await owner.call.shares.create({
      tenantId: tenant.id,
      label: 'auditor',
      sections: ['status', 'evidence_packs'],
      expiresInDays: 7,
    });
    const without = await owner.call.shares.create({
      tenantId: tenant.id,
      label: 'customer',
      sections: ['status'],
      expiresInDays: 7,
    });
    const listed = await agent(deps, { shareToken: withPacks.token }).call.shared.packs();
    expect(listed.map((p) => p.name)).toEqual(['evidence-20261201T060000Z.zip', 'evidence-20261101T060000Z.zip']);
    await refused(agent(deps, { shareToken: without.token }).call.shared.packs(), 'FORBIDDEN');
  });

  it('says plainly when the server has no pack storage', async () => {
    const deps = testDeps(t().store);
    const owner = await signedIn(deps, { email: 'nostorage@a.example', organizationName: 'No storage' });
    const tenant = await owner.call.tenant.create({ name: 'T', kind: 'customer' });
    await refused(owner.call.packs.list({ tenantId: tenant.id }), 'PRECONDITION_FAILED');
    await refused(owner.call.packs.exportNow({ tenantId: tenant.id }), 'PRECONDITION_FAILED');
  });
});
