import { randomUUID } from 'node:crypto';
import { newId } from '@evident/core';
import { Queue, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOBS, jobId, parsePayload } from './catalog.ts';
import {
  collectPriority,
  enqueueAlertDeliveries,
  enqueueAssessment,
  removeExportSchedule,
  removeTenantSchedule,
  upsertExportSchedule,
  upsertTenantSchedule,
} from './enqueue.ts';

const REDIS = { host: '127.0.0.1', port: 6379 };

describe('job catalog', () => {
  it('refuses payloads with anything but ids, so no secret can ride along', () => {
    const ok = {
      organizationId: newId('org'),
      tenantId: newId('ten'),
      connectionId: newId('con'),
      runId: newId('run'),
    };
    expect(parsePayload('collect', ok)).toEqual(ok);
    expect(() => parsePayload('collect', { ...ok, clientSecret: 's3cret' })).toThrow(/clientSecret/);
    expect(() => parsePayload('collect', { ...ok, connectionId: 'ten_nope' })).toThrow(/con_/);
  });
});

describe('enqueueing on real Redis', () => {
  const prefix = `evident-test-${randomUUID()}`;
  let connection: Redis;
  let worker: Redis;

  beforeAll(() => {
    connection = new Redis(REDIS);
    worker = new Redis({ ...REDIS, maxRetriesPerRequest: null });
  });
  afterAll(async () => {
    const keys = await connection.keys(`${prefix}:*`);
    if (keys.length > 0) await connection.del(...keys);
    await Promise.all([connection.quit(), worker.quit()]);
  });

  const ids = () => ({ organizationId: newId('org'), tenantId: newId('ten'), runId: newId('run') });

  it("adds an alert delivery once per outbox row and round, with the catalog's attempts and backoff", async () => {
    const org = newId('org');
    const row = { id: `alo_${'a'.repeat(32)}`, round: 0 };
    await enqueueAlertDeliveries({ connection, prefix }, org, [row]);
    await enqueueAlertDeliveries({ connection, prefix }, org, [row]);
    await enqueueAlertDeliveries({ connection, prefix }, org, [{ ...row, round: 1 }]);
    const queue = new Queue(JOBS['deliver-alert'].queue, { connection, prefix });
    const jobs = await queue.getJobs(['waiting']);
    expect(jobs.map((j) => j.id).sort()).toEqual([row.id, `${row.id}.r1`]);
    expect(jobs[0]!.opts).toMatchObject({ attempts: 6, backoff: { type: 'exponential', delay: 5_000 } });
    expect(() => parsePayload('deliver-alert', { organizationId: org, outboxId: row.id, url: 'x' })).toThrow(/url/);
    await queue.close();
  });

  it('adds an assessment once, however often it is enqueued', async () => {
    const assess = { ...ids(), trigger: 'manual' as const };
    const connections = [newId('con'), newId('con')];
    const targets = connections.map((id) => ({ id, expectedMs: null }));
    const first = await enqueueAssessment({ connection, prefix }, assess, targets);
    const again = await enqueueAssessment({ connection, prefix }, assess, targets);
    expect(again).toBe(first);
    const collects = new Queue(JOBS.collect.queue, { connection, prefix });
    const jobs = await collects.getJobs(['waiting', 'delayed', 'prioritized']);
    const mine = jobs.filter((j) => j.data.runId === assess.runId);
    expect(mine.map((j) => j.id).sort()).toEqual(
      connections.map((c) => jobId.collect({ connectionId: c, runId: assess.runId })).sort(),
    );
    await collects.close();
  });

  it('runs the parent after its children even when one fails for good', async () => {
    const assess = { ...ids(), trigger: 'schedule' as const };
    const [good, bad] = [newId('con'), newId('con')];
    const seen: string[] = [];
    const done = new Promise<void>((resolve) => {
      const collectors = new Worker(
        JOBS.collect.queue,
        async (job) => {
          const p = parsePayload('collect', job.data);
          if (p.runId !== assess.runId) return;
          if (p.connectionId === bad) throw new UnrecoverableError('credentials revoked');
          seen.push(`collect ${p.connectionId === good ? 'good' : 'bad'}`);
        },
        { connection: worker, prefix },
      );
      const assessors = new Worker(
        JOBS.assess.queue,
        async (job) => {
          const p = parsePayload('assess', job.data);
          if (p.runId !== assess.runId) return;
          seen.push('assess');
          setImmediate(async () => {
            await Promise.all([collectors.close(), assessors.close()]);
            resolve();
          });
        },
        { connection: worker, prefix },
      );
    });
    await enqueueAssessment({ connection, prefix }, assess, [
      { id: good, expectedMs: 1_000 },
      { id: bad, expectedMs: null },
    ]);
    await done;
    expect(seen).toEqual(['collect good', 'assess']);
  });

  it('collects for a waiting person first, then untimed connections, then the longest first', async () => {
    const jobs = { connection, prefix };
    const queued = [
      { name: 'short', trigger: 'schedule', expectedMs: 900 },
      { name: 'long', trigger: 'schedule', expectedMs: 120_000 },
      { name: 'manual', trigger: 'manual', expectedMs: 900 },
      { name: 'new', trigger: 'schedule', expectedMs: null },
      { name: 'middle', trigger: 'schedule', expectedMs: 30_000 },
    ] as const;
    const names = new Map<string, string>();
    for (const q of queued) {
      const assess = { ...ids(), trigger: q.trigger };
      const id = newId('con');
      names.set(id, q.name);
      await enqueueAssessment(jobs, assess, [{ id, expectedMs: q.expectedMs }]);
    }
    const order: string[] = [];
    await new Promise<void>((resolve) => {
      const collectors = new Worker(
        JOBS.collect.queue,
        async (job) => {
          const name = names.get(parsePayload('collect', job.data).connectionId);
          if (name) order.push(name);
          if (order.length === queued.length) setImmediate(() => void collectors.close().then(resolve));
        },
        { connection: worker, prefix, concurrency: 1 },
      );
    });
    expect(order).toEqual(['manual', 'new', 'long', 'middle', 'short']);
  });

  it("keeps every collection's priority within BullMQ's range, longest first to the end of it", () => {
    const limit = 2 ** 21 - 1;
    const scheduled = [0, 99, 100, 60_000, 3_600_000, 1e12, -5].map((ms) => collectPriority('schedule', ms));
    for (const p of scheduled) expect(p).toBeGreaterThanOrEqual(3);
    for (const p of scheduled) expect(p).toBeLessThanOrEqual(limit);
    expect(scheduled.slice(0, 6)).toEqual([...scheduled.slice(0, 6)].sort((a, b) => b - a));
    expect(collectPriority('schedule', 0)).toBe(collectPriority('schedule', 99));
    expect(collectPriority('schedule', -5)).toBe(limit);
    expect(collectPriority('schedule', 1e12)).toBe(3);
    expect(collectPriority('schedule', null)).toBe(2);
    expect(collectPriority('manual', 1e12)).toBe(1);
  });

  it('keeps one schedule per tenant, replaced in place, interval or cron with a time zone', async () => {
    const target = { organizationId: newId('org'), tenantId: newId('ten') };
    const queue = new Queue(JOBS.assess.queue, { connection, prefix });
    await upsertTenantSchedule({ connection, prefix }, target);
    await upsertTenantSchedule({ connection, prefix }, target, { cron: { pattern: '0 3 * * *', tz: 'Europe/London' } });
    const schedulers = (await queue.getJobSchedulers()).filter((s) => s.key === jobId.schedule(target.tenantId));
    expect(schedulers).toHaveLength(1);
    expect(schedulers[0]).toMatchObject({ pattern: '0 3 * * *', tz: 'Europe/London' });
    expect(await removeTenantSchedule({ connection, prefix }, target.tenantId)).toBe(true);
    expect((await queue.getJobSchedulers()).filter((s) => s.key === jobId.schedule(target.tenantId))).toEqual([]);
  });

  it('waits one interval before the first tick, and leaves an unchanged schedule where it is', async () => {
    const target = { organizationId: newId('org'), tenantId: newId('ten') };
    const queue = new Queue(JOBS.assess.queue, { connection, prefix });
    const ticks = async () =>
      (await queue.getJobs(['waiting', 'delayed'])).filter((j) => j.data.tenantId === target.tenantId);
    await upsertTenantSchedule({ connection, prefix }, target, { everyMs: 60_000 });
    const [first] = await ticks();
    expect(first?.opts.delay).toBeGreaterThan(50_000);
    await upsertTenantSchedule({ connection, prefix }, target, { everyMs: 60_000 });
    expect((await ticks()).map((j) => j.id)).toEqual([first!.id]);
    await removeTenantSchedule({ connection, prefix }, target.tenantId);
    await queue.close();
  });

  it('removes a schedule', async () => {
    const target = { organizationId: newId('org'), tenantId: newId('ten') };
    const queue = new Queue(JOBS.assess.queue, { connection, prefix });
    await upsertTenantSchedule({ connection, prefix }, target);
    expect(await removeTenantSchedule({ connection, prefix }, target.tenantId)).toBe(true);
    expect((await queue.getJobSchedulers()).filter((s) => s.key === jobId.schedule(target.tenantId))).toEqual([]);
    await queue.close();
  });

  it("fires a tenant's export schedule on its cron, in its time zone, with ids only", async () => {
    const target = { organizationId: newId('org'), tenantId: newId('ten') };
    expect(() => parsePayload('export', { ...target, webhookSecret: 'x' })).toThrow(/webhookSecret/);
    const jobs = { connection, prefix };
    const fired = new Promise<unknown>((resolve) => {
      const w = new Worker(
        JOBS.export.queue,
        async (job) => {
          resolve(parsePayload('export', job.data));
          await w.close(true).catch(() => undefined);
        },
        { connection: worker, prefix },
      );
    });
    await upsertExportSchedule(jobs, target, { pattern: '* * * * * *', tz: 'Europe/London' });
    expect(await fired).toEqual(target);
    const queue = new Queue(JOBS.export.queue, { connection, prefix });
    const schedulers = (await queue.getJobSchedulers()).filter((s) => s.key === jobId.exportSchedule(target.tenantId));
    expect(schedulers).toHaveLength(1);
    expect(schedulers[0]).toMatchObject({ pattern: '* * * * * *', tz: 'Europe/London' });
    await upsertExportSchedule(jobs, target, { pattern: '0 6 1 * *', tz: 'Europe/London' });
    expect(
      (await queue.getJobSchedulers())
        .filter((s) => s.key === jobId.exportSchedule(target.tenantId))
        .map((s) => s.pattern),
    ).toEqual(['0 6 1 * *']);
    expect(await removeExportSchedule(jobs, target.tenantId)).toBe(true);
    await queue.close();
  });
});
