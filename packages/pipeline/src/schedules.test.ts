import { JOBS, jobId } from '@evident/jobs';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from './logger.ts';
import { startScheduleSync } from './schedules.ts';
import { openWorld, type World } from './testing/world.ts';

let w: World;
let queue: Queue;
beforeAll(async () => {
  w = await openWorld(['healthy', 'admins-unenforced']);
  queue = new Queue(JOBS.assess.queue, { connection: w.producer, prefix: w.prefix });
});
afterAll(async () => {
  await queue?.close();
  await w?.close();
});

const pass = async () => {
  const sync = startScheduleSync(w.store, w.db.database, w.jobs, createLogger({ level: 'silent' }), 3_600_000);
  await sync.stop();
};

describe('tenant schedules from the dashboard', () => {
  it('are applied by the worker: the default, a tenant set to cron, a new tenant, and a deleted one removed', async () => {
    const [northwind, fabrikam] = [...w.tenants.values()];
    await w.store.setTenantSchedule(w.org, fabrikam!, { cron: '0 7 * * 1-5', tz: 'Europe/London' });
    await pass();
    expect(await queue.getJobScheduler(jobId.schedule(northwind!))).toMatchObject({ every: 6 * 3_600_000 });
    expect(await queue.getJobScheduler(jobId.schedule(fabrikam!))).toMatchObject({
      pattern: '0 7 * * 1-5',
      tz: 'Europe/London',
    });

    const added = await w.store.createTenant(w.org, { name: 'Tailspin', kind: 'customer' });
    await w.store.setTenantSchedule(w.org, northwind!, { everyMs: 3_600_000 });
    await w.store.deleteTenant(w.org, fabrikam!);
    await pass();
    expect(await queue.getJobScheduler(jobId.schedule(added.id))).toMatchObject({ every: 6 * 3_600_000 });
    expect(await queue.getJobScheduler(jobId.schedule(northwind!))).toMatchObject({ every: 3_600_000 });
    expect(await queue.getJobScheduler(jobId.schedule(fabrikam!))).toBeUndefined();
  });
});
