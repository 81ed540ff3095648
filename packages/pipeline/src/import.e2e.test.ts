import type { ImportId, ProviderAccountId, TenantId } from '@evident/core';
import type { ImportItem, Store } from '@evident/db';
import { DEFAULT_INTERVAL_MS, JOBS, jobId } from '@evident/jobs';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueImport } from './import-queue.ts';
import { openWorld, type World } from './testing/world.ts';

let w: World;
let assessQueue: Queue;
let importQueue: Queue;
let account: ProviderAccountId;
const SPREAD = { perWindow: 4, windowMs: 60_000 };

beforeAll(async () => {
  w = await openWorld(['github-app-emu']);
  assessQueue = new Queue(JOBS.assess.queue, { connection: w.producer, prefix: w.prefix });
  importQueue = new Queue(JOBS.import.queue, { connection: w.producer, prefix: w.prefix });
  // First assessments are inspected where they wait, not run: the customers below exist only in the import.
  await assessQueue.pause();
  const [sim] = w.sims.connections('fourthcoffee');
  const { org: _org, ...accountConfig } = sim!.config;
  const { installationId: _installation, ...accountSecret } = sim!.secret;
  account = (
    await w.store.createProviderAccount(w.org, {
      kind: 'github',
      name: 'Acme GitHub App',
      config: accountConfig as never,
      secret: accountSecret as never,
    })
  ).id;
}, 60_000);
afterAll(async () => {
  await assessQueue?.close();
  await importQueue?.close();
  await w?.close();
});

const customer = (i: number): ImportItem => ({
  externalId: `inst-${i}`,
  name: `Customer ${String(i).padStart(3, '0')}`,
  config: { org: `customer-${i}` },
  secret: { installationId: 1000 + i },
});

async function imported(store: Store, items: ImportItem[]): Promise<ImportId> {
  const created = await store.createImport(w.org, { providerAccountId: account, items, createdBy: 'usr_test' });
  await enqueueImport(w.jobs, { organizationId: w.org, importId: created.id });
  return created.id;
}

async function settled(id: ImportId, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const p = await w.store.getImport(w.org, id);
    if (p.status === 'succeeded' || p.status === 'failed') return p;
    if (Date.now() > deadline) throw new Error(`import ${id} still ${p.status} at ${p.done}/${p.total}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Every tenant with the number of its connections, and every (account, customer) pair with how often it occurs. */
async function census() {
  const tenants = await w.store.listTenants(w.org);
  const connections = await w.store.listConnections(w.org);
  const links = await w.store.accountLinks(w.org, { providerAccountId: account });
  const perTenant = new Map(tenants.map((t) => [t.id, 0]));
  for (const c of connections) perTenant.set(c.tenantId, (perTenant.get(c.tenantId) ?? 0) + 1);
  return { tenants, perTenant, externalIds: links.map((l) => l.externalId) };
}

/** The assessment schedules of tenants whose name starts with `Customer `, by tenant. */
async function customerSchedules() {
  const customers = new Set(
    (await w.store.listTenants(w.org)).filter((t) => t.name.startsWith('Customer ')).map((t) => t.id as string),
  );
  const all = await assessQueue.getJobSchedulers(0, -1);
  return new Map(
    all
      .filter((s) => s.key.startsWith('assess-schedule.'))
      .map((s) => [s.template?.data?.tenantId as string, s] as const)
      .filter(([tenant]) => customers.has(tenant)),
  );
}

async function firstRunJobs() {
  const jobs = await assessQueue.getJobs(['delayed', 'wait', 'prioritized']);
  return jobs.filter((j) => j.id?.startsWith('first-run.'));
}

describe('importing discovered customers', () => {
  const items = Array.from({ length: 60 }, (_, i) => customer(i));
  let first: TenantId[] = [];

  it('survives a worker dying inside a customer: no half tenant, and the retry resumes where it stopped', async () => {
    let transactions = 0;
    let killed = false;
    // The second chunk's transaction dies between its tenants and their connections, as a killed worker would.
    const dying: Store = {
      ...w.store,
      transaction: (work) =>
        w.store.transaction((tx) => {
          transactions++;
          if (transactions !== 2 || killed) return work(tx);
          return work({
            ...tx,
            createConnections: async () => {
              killed = true;
              throw new Error('worker killed');
            },
          });
        }),
    };
    await w.start({ store: dying, firstRuns: SPREAD });
    const id = await imported(w.store, items);
    const progress = await settled(id);
    expect(killed).toBe(true);
    expect(progress).toMatchObject({ status: 'succeeded', done: 60, total: 60, failures: [] });
    const job = await importQueue.getJob(jobId.import(id));
    // BullMQ counts the successful attempt too: one killed, one resumed.
    expect(job?.attemptsMade).toBe(2);
    expect(job?.stacktrace?.join('\n')).toMatch(/worker killed/);

    const { tenants, perTenant, externalIds } = await census();
    expect(tenants.filter((t) => t.name.startsWith('Customer '))).toHaveLength(60);
    for (const [tenant, n] of perTenant) expect(n, `connections of ${tenant}`).toBe(1);
    expect(new Set(externalIds).size).toBe(60);
    expect(externalIds).toHaveLength(60);
    expect(new Set(progress.createdTenants).size).toBe(60);
    first = progress.createdTenants;
    // The chunk that died left no tenant behind, so the import created exactly the customers' tenants.
    expect(new Set(tenants.filter((t) => t.name.startsWith('Customer ')).map((t) => t.id))).toEqual(new Set(first));

    const effective = await w.store.readEffectiveConnection(
      w.org,
      (await w.store.listConnections(w.org, { tenantId: first[7]! }))[0]!.id,
    );
    expect(effective.config).toMatchObject({ org: 'customer-7' });
    expect(effective.secret).toMatchObject({ kind: 'app', installationId: 1007 });
  });

  it('queues the first assessments spread over the throttle windows, one per new tenant', async () => {
    const jobs = await firstRunJobs();
    expect(jobs).toHaveLength(60);
    const delays = new Map(jobs.map((j) => [j.id, j.opts.delay ?? 0]));
    first.forEach((tenant, i) => {
      expect(delays.get(jobId.firstRun(tenant)), `tenant #${i}`).toBe(Math.floor(i / 4) * 60_000);
    });
    expect(jobs.every((j) => j.name === 'tick' && j.data.organizationId === w.org)).toBe(true);
  });

  it('gives every new tenant the default assessment schedule, each one interval after its first assessment', async () => {
    const schedules = await customerSchedules();
    // Exactly the created tenants: none missing, and none for a tenant whose chunk was rolled back.
    expect(new Set(schedules.keys())).toEqual(new Set(first));
    const starts = first.map((tenant) => {
      const s = schedules.get(tenant)!;
      expect(s.key).toBe(jobId.schedule(tenant));
      expect(Number(s.every)).toBe(DEFAULT_INTERVAL_MS);
      expect(s.template?.data).toEqual({ organizationId: w.org, tenantId: tenant });
      return s.next!;
    });
    // Never at once (an interval schedule's first tick waits one interval), and in the first runs' windows.
    expect(Math.min(...starts)).toBeGreaterThan(Date.now() + DEFAULT_INTERVAL_MS - 120_000);
    first.forEach((_, i) => {
      if (i % 4 !== 0 || i === 0) return;
      expect(starts[i]! - starts[i - 4]!, `tenant #${i}`).toBeGreaterThanOrEqual(60_000 - 5_000);
    });
  });

  it('run again, adds only what is new and never duplicates; a customer the connector refuses is named', async () => {
    const refused: ImportItem = { ...customer(99), config: { org: '' } };
    const again = await settled(await imported(w.store, [...items, customer(60), customer(61), refused]));
    expect(again).toMatchObject({ status: 'succeeded', done: 63, total: 63 });
    expect(again.createdTenants).toHaveLength(2);
    expect(again.failures).toEqual([{ externalId: 'inst-99', reason: expect.stringMatching(/config \(org\)/) }]);

    const { tenants, perTenant, externalIds } = await census();
    expect(tenants.filter((t) => t.name.startsWith('Customer '))).toHaveLength(62);
    for (const n of perTenant.values()) expect(n).toBe(1);
    expect(new Set(externalIds).size).toBe(externalIds.length);
    expect(await firstRunJobs()).toHaveLength(62);
    expect((await customerSchedules()).size).toBe(62);

    const nothing = await settled(await imported(w.store, items.slice(0, 10)));
    expect(nothing).toMatchObject({ status: 'succeeded', createdTenants: [], failures: [] });
    expect((await census()).tenants.filter((t) => t.name.startsWith('Customer '))).toHaveLength(62);
    expect(await firstRunJobs()).toHaveLength(62);
    expect((await customerSchedules()).size).toBe(62);
  });

  it('attaches a customer to a tenant chosen for it instead of creating one', async () => {
    const [target] = (await w.store.listTenants(w.org)).filter((t) => t.name === 'fourthcoffee');
    const done = await settled(await imported(w.store, [{ ...customer(70), tenantId: target!.id }]));
    expect(done.createdTenants).toEqual([]);
    const links = await w.store.accountLinks(w.org, { providerAccountId: account });
    expect(links.find((l) => l.externalId === 'inst-70')?.tenantId).toBe(target!.id);
  });
});
