import { Writable } from 'node:stream';
import type { RunId, TenantId } from '@evident/core';
import { JOBS, jobId } from '@evident/jobs';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { assessNow, syncSchedules, waitForRun } from './index.ts';
import { createLogger } from './logger.ts';
import { type PrivateRedis, startPrivateRedis } from './testing/redis-server.ts';
import { openWorld, type World } from './testing/world.ts';

let redis: PrivateRedis;
let w: World;
beforeAll(async () => {
  redis = await startPrivateRedis();
  w = await openWorld(['healthy', 'admins-unenforced'], 'pg', { redisUrl: redis.url });
});
afterAll(async () => {
  await w?.close();
  await redis?.close();
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

const schedulesOf = async (queue: Queue) =>
  new Map((await queue.getJobSchedulers(0, -1)).map((s) => [s.key, { every: s.every, next: s.next }]));

it('Redis killed mid-collection and restarted: schedules kept, every run finishes once, the outage is logged', async () => {
  const lines: { level: number; msg: string; err?: { message?: string } }[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  const tenants = [...w.tenants.values()] as TenantId[];
  w.sims.graph!.faults.set('northwind', { latencyMs: 200 });
  w.sims.graph!.faults.set('fabrikam', { latencyMs: 200 });
  await w.start({ logger: createLogger({ level: 'info', destination }), concurrency: { collect: 2 } });
  const assessQueue = new Queue(JOBS.assess.queue, { connection: w.producer, prefix: w.prefix });
  const collectQueue = new Queue(JOBS.collect.queue, { connection: w.producer, prefix: w.prefix });
  // The test's own queues see the outage too; what matters here is what the worker logs.
  for (const q of [assessQueue, collectQueue]) q.on('error', () => {});
  try {
    await syncSchedules(w.store, w.jobs, w.org, { everyMs: 3_600_000 });
    const schedules = await schedulesOf(assessQueue);
    expect(schedules.size).toBe(2);
    const runs: RunId[] = [];
    for (const t of tenants) runs.push(await assessNow(w.store, w.jobs, w.org, t));

    await until('a collection under way with others still queued', async () => {
      const active = await collectQueue.getJobs(['active']);
      const reading = active.some((j) => ((j.progress as { pages?: number } | null)?.pages ?? 0) > 0);
      // Collections are queued by priority: still queued means waiting or prioritized.
      return reading && (await collectQueue.getJobCountByTypes('waiting', 'prioritized')) > 0;
    });
    await redis.kill('SIGKILL');
    const outage = () => lines.filter((l) => l.level >= 40 && /ECONNREFUSED/.test(l.err?.message ?? ''));
    await until('the worker to log the outage', async () => outage().some((l) => l.msg === 'worker error'), 10_000);
    for (const runId of runs) expect((await w.store.getRun(w.org, runId)).status).toBe('running');
    await redis.restart();

    for (const [i, runId] of runs.entries()) {
      expect(await waitForRun(w.store, w.org, runId, { timeoutMs: 45_000 })).toMatchObject({ status: 'succeeded' });
      const connections = await w.store.listConnections(w.org, { tenantId: tenants[i]! });
      const collections = await w.store.listCollections(w.org, runId);
      expect(collections.map((c) => c.connectionId).sort()).toEqual(connections.map((c) => c.id).sort());
      for (const c of collections)
        expect(c).toMatchObject({ status: expect.not.stringMatching('failed'), error: null });
      const results = await w.store.runResults(w.org, runId);
      expect(results.length).toBeGreaterThan(0);
      expect(new Set(results.map((r) => r.controlId)).size).toBe(results.length);
      const audit = (await w.store.listAudit(w.org)).filter((e) => e.target === runId).map((e) => e.action);
      expect(audit).toEqual(['run.start', 'run.finish']);
    }
    expect(await schedulesOf(assessQueue)).toEqual(schedules);
    for (const t of tenants) expect(schedules.has(jobId.schedule(t))).toBe(true);
    expect(lines.filter((l) => l.level >= 60)).toEqual([]);
  } finally {
    await Promise.all([assessQueue.close(), collectQueue.close()]);
  }
});
