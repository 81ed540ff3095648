import type { TenantId } from '@evident/core';
import { QueueUnavailableError } from '@evident/jobs';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { assessNow, waitForRun } from './index.ts';
import { startTcpProxy, type TcpProxy } from './testing/tcp-proxy.ts';
import { openWorld, type World } from './testing/world.ts';

const DEADLINE_MS = 3_600_000;
let proxy: TcpProxy;
let w: World;
let redisUrl: string;
beforeAll(async () => {
  // Everything reaches Redis through the proxy, so the test can make it refuse connections.
  proxy = await startTcpProxy(6379);
  redisUrl = `redis://127.0.0.1:${proxy.port}`;
  w = await openWorld(['healthy'], 'pg', { redisUrl });
  await w.start({ reaper: { intervalMs: 200, requeueAfterMs: 1_000, failAfterMs: DEADLINE_MS } });
});
// When other files run beside this one, the assess worker's close can wait for minutes on its connection through
// the proxy after the refusals (the collect worker's closes at once). Everything is asserted by then, so the
// teardown gives the close a minute, then closes the proxy under it and lets the process end.
afterAll(async () => {
  await proxy?.accept().catch(() => {});
  await w?.producer.ping();
  await Promise.race([w?.close(), new Promise((r) => setTimeout(r, 60_000).unref())]);
  await proxy?.close();
}, 120_000);

const tenant = (): TenantId => w.tenants.get('northwind')!;
const auditOf = async (runId: string) =>
  (await w.store.listAudit(w.org)).filter((e) => e.target === runId).map((e) => `${e.action} ${e.data.status ?? ''}`);

/**
 * "Scan now" while Redis refuses leaves nothing behind; a run whose jobs were lost after it was opened (a Redis
 * without persistence restarted) is then left `running` with its audit event, for the reaper to deal with.
 */
async function strandedRun() {
  // A producer that does not wait for Redis to come back, so enqueueing fails rather than hangs.
  const producer = new Redis(redisUrl, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  producer.on('error', () => {});
  await new Promise((resolve) => producer.once('ready', resolve));
  await proxy.refuse();
  const before = await w.store.listRuns(w.org, tenant());
  await expect(assessNow(w.store, { connection: producer, prefix: w.prefix }, w.org, tenant())).rejects.toThrow(
    QueueUnavailableError,
  );
  producer.disconnect();
  expect(await w.store.listRuns(w.org, tenant())).toEqual(before);

  const run = await w.store.transaction(async (tx) => {
    const opened = await tx.createRun(w.org, { tenantId: tenant(), trigger: 'manual', startedAt: w.clock.now() });
    await tx.appendAudit(w.org, { actor: 'system', action: 'run.start', target: opened.id, data: {} });
    return opened;
  });
  expect(await auditOf(run.id)).toEqual(['run.start ']);
  return run;
}

it('enqueueing refused: the reaper enqueues the run again once Redis is back, and it finishes once', async () => {
  const run = await strandedRun();
  await new Promise((r) => setTimeout(r, 1_500));
  expect((await w.store.getRun(w.org, run.id)).status).toBe('running');

  await proxy.accept();
  expect(await waitForRun(w.store, w.org, run.id, { timeoutMs: 45_000 })).toMatchObject({ status: 'succeeded' });
  const connections = await w.store.listConnections(w.org, { tenantId: tenant() });
  const collections = await w.store.listCollections(w.org, run.id);
  expect(collections.map((c) => c.connectionId).sort()).toEqual(connections.map((c) => c.id).sort());
  expect(await auditOf(run.id)).toEqual(['run.start ', 'run.finish succeeded']);
});

it('past the deadline, with Redis still refusing, the run is failed with the reason, once', async () => {
  const run = await strandedRun();
  w.clock.advance(DEADLINE_MS + 1_000);
  const done = await waitForRun(w.store, w.org, run.id, { timeoutMs: 20_000 });
  expect(done).toMatchObject({ status: 'failed', error: expect.stringMatching(/did not finish within 60 min/) });
  expect(await auditOf(run.id)).toEqual(['run.start ', 'run.finish failed']);
  expect(await w.store.listCollections(w.org, run.id)).toEqual([]);
});
