import type { RunId, TenantId } from '@evident/core';
import { createDatabase, createStore, type Database } from '@evident/db';
import { JOBS, jobId } from '@evident/jobs';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { assessNow, waitForRun } from './index.ts';
import { createLogger } from './logger.ts';
import { startTcpProxy, type TcpProxy } from './testing/tcp-proxy.ts';
import { openWorld, type World } from './testing/world.ts';

let w: World;
let proxy: TcpProxy;
let proxied: Database;
let collectQueue: Queue;
beforeAll(async () => {
  w = await openWorld(['healthy', 'admins-unenforced']);
  if (w.db.database.driver !== 'pg') throw new Error('the outage needs a server database');
  proxy = await startTcpProxy(5432);
  const url = new URL(w.db.database.pool.options.connectionString!);
  url.port = String(proxy.port);
  const logger = createLogger({ level: 'silent' });
  // The worker reaches the database through the proxy; the test reads and enqueues directly.
  proxied = await createDatabase({
    url: url.href,
    maxConnections: 4,
    onPoolError: (err) => logger.warn({ err }, 'database connection lost'),
  });
  const store = createStore(proxied, { secrets: { current: w.db.key } });
  await w.start({ store, logger });
  collectQueue = new Queue(JOBS.collect.queue, { connection: w.producer, prefix: w.prefix });
});
afterAll(async () => {
  await collectQueue?.close();
  await w?.close();
  await proxied?.close();
  await proxy?.close();
});

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const tenant = (name: string): TenantId => w.tenants.get(name)!;

async function collectJobs(runId: RunId, tenantId: TenantId) {
  const connections = await w.store.listConnections(w.org, { tenantId });
  return Promise.all(connections.map((c) => collectQueue.getJob(jobId.collect({ connectionId: c.id, runId }))));
}

/** Every run finished once, with one kept collection per connection, one result per control, one audit pair. */
async function expectExactlyOnce(runs: Map<RunId, TenantId>) {
  for (const [runId, tenantId] of runs) {
    expect(await waitForRun(w.store, w.org, runId, { timeoutMs: 45_000 })).toMatchObject({ status: 'succeeded' });
    const connections = await w.store.listConnections(w.org, { tenantId });
    const collections = await w.store.listCollections(w.org, runId);
    expect(collections.map((c) => c.connectionId).sort()).toEqual(connections.map((c) => c.id).sort());
    for (const c of collections) expect(c).toMatchObject({ status: expect.not.stringMatching('failed'), error: null });
    const results = await w.store.runResults(w.org, runId);
    expect(results.length).toBeGreaterThan(0);
    expect(new Set(results.map((r) => r.controlId)).size).toBe(results.length);
  }
  const audit = (await w.store.listAudit(w.org)).filter((e) => runs.has(e.target as RunId));
  expect(audit.map((e) => `${e.action} ${e.target}`).sort()).toEqual(
    [...runs.keys()].flatMap((id) => [`run.finish ${id}`, `run.start ${id}`]).sort(),
  );
}

it('refused from the start: the collections fail and retry, then every run completes once', async () => {
  const requests = w.sims.graph!.faults.requestCount('northwind');
  await proxy.refuse();
  const runs = new Map<RunId, TenantId>();
  for (const name of ['northwind', 'fabrikam'])
    runs.set(await assessNow(w.store, w.jobs, w.org, tenant(name)), tenant(name));
  for (const [runId, tenantId] of runs) {
    await until('every collection to fail once and wait for its retry', async () => {
      const jobs = await collectJobs(runId, tenantId);
      const states = await Promise.all(jobs.map((j) => j?.getState()));
      return jobs.every((j) => (j?.attemptsMade ?? 0) >= 1) && states.every((s) => s === 'delayed');
    });
  }
  for (const runId of runs.keys()) expect((await w.store.listCollections(w.org, runId)).length).toBe(0);
  expect(w.sims.graph!.faults.requestCount('northwind')).toBe(requests);

  await proxy.accept();
  await expectExactlyOnce(runs);
});

it('reset mid-collection: the open transaction rolls back and the retry stores the collection once', async () => {
  const tenantId = tenant('northwind');
  const entra = (await w.store.listConnections(w.org, { tenantId })).find((c) => c.kind === 'entra')!;
  const before = (await w.store.latestCollections(w.org, tenantId)).find((c) => c.connectionId === entra.id)!;
  w.sims.graph!.faults.set('northwind', { latencyMs: 300 });
  const runId = await assessNow(w.store, w.jobs, w.org, tenantId);
  const id = jobId.collect({ connectionId: entra.id, runId });
  await until('the entra collection to be under way', async () => {
    const job = await collectQueue.getJob(id);
    return ((job?.progress as { pages?: number } | null)?.pages ?? 0) > 0;
  });
  await proxy.refuse();
  await until(
    'the entra collection to fail once',
    async () => ((await collectQueue.getJob(id))?.attemptsMade ?? 0) >= 1,
  );
  expect((await w.store.listCollections(w.org, runId)).map((c) => c.connectionId)).not.toContain(entra.id);

  w.sims.graph!.faults.set('northwind', {});
  await proxy.accept();
  await expectExactlyOnce(new Map([[runId, tenantId]]));
  const stored = (await w.store.listCollections(w.org, runId)).find((c) => c.connectionId === entra.id)!;
  expect(stored.factCount).toBe(before.factCount);
});
