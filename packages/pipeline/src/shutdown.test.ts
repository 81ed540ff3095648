import { JOBS, jobId } from '@evident/jobs';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assessNow, waitForRun } from './index.ts';
import { openWorld, type World } from './testing/world.ts';

let w: World;
beforeAll(async () => {
  w = await openWorld(['healthy']);
});
afterAll(() => w?.close());

async function until(what: string, probe: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('graceful shutdown', () => {
  it('close() releases a collection still in flight at the deadline; another worker finishes the run', async () => {
    const tenantId = w.tenants.get('northwind')!;
    const entra = (await w.store.listConnections(w.org, { tenantId })).find((c) => c.kind === 'entra')!;
    const graph = w.sims.graph!;
    graph.faults.set('northwind', { latencyMs: 300 });
    const first = await w.start();
    const runId = await assessNow(w.store, w.jobs, w.org, tenantId);
    const seen = graph.faults.requestCount('northwind');
    await until('the entra collection to be under way', () => graph.faults.requestCount('northwind') > seen + 2);

    const started = Date.now();
    await first.close(500);
    expect(Date.now() - started).toBeLessThan(500 + 2_000);

    const queue = new Queue(JOBS.collect.queue, { connection: w.producer, prefix: w.prefix });
    try {
      const job = await queue.getJob(jobId.collect({ connectionId: entra.id, runId }));
      expect(['waiting', 'delayed', 'prioritized']).toContain(await job!.getState());
      expect(job!.attemptsMade).toBe(0);
    } finally {
      await queue.close();
    }
    expect((await w.store.listCollections(w.org, runId)).map((c) => c.connectionId)).not.toContain(entra.id);
    expect((await w.store.getRun(w.org, runId)).status).toBe('running');

    graph.faults.set('northwind', {});
    const second = await w.start();
    expect(await waitForRun(w.store, w.org, runId, { timeoutMs: 45_000 })).toMatchObject({ status: 'succeeded' });
    const entraCollections = (await w.store.listCollections(w.org, runId)).filter((c) => c.connectionId === entra.id);
    expect(entraCollections).toHaveLength(1);
    expect(entraCollections[0]?.status).toBe('succeeded');
    await second.close();
  });

  it('close() with time to spare lets the collection in flight finish', async () => {
    const tenantId = w.tenants.get('northwind')!;
    const entra = (await w.store.listConnections(w.org, { tenantId })).find((c) => c.kind === 'entra')!;
    const graph = w.sims.graph!;
    graph.faults.set('northwind', { latencyMs: 20 });
    const worker = await w.start();
    const runId = await assessNow(w.store, w.jobs, w.org, tenantId);
    const seen = graph.faults.requestCount('northwind');
    await until('the entra collection to be under way', () => graph.faults.requestCount('northwind') > seen);
    await worker.close(30_000);
    graph.faults.set('northwind', {});
    const collections = await w.store.listCollections(w.org, runId);
    expect(collections.find((c) => c.connectionId === entra.id)).toMatchObject({ status: 'succeeded' });
    expect(collections.every((c) => c.status !== 'failed')).toBe(true);
  });
});
