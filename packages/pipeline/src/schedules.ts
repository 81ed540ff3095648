import type { OrganizationId } from '@evident/core';
import { type Database, listOrganizationIds, type Store, type TenantSchedule } from '@evident/db';
import {
  JOBS,
  type JobsConnection,
  jobId,
  removeTenantSchedule,
  type Schedule,
  upsertTenantSchedule,
} from '@evident/jobs';
import { Queue } from 'bullmq';
import type { Logger } from 'pino';

const asJobSchedule = (s: TenantSchedule | null, fallback: Schedule): Schedule =>
  s === null ? fallback : 'cron' in s ? { cron: { pattern: s.cron, tz: s.tz } } : { everyMs: s.everyMs };

/**
 * Gives every tenant of the organization its schedule (its own, as set on the dashboard, else `fallback`; created
 * or replaced in place) and removes the schedules of tenants that no longer exist.
 */
export async function syncSchedules(
  store: Store,
  jobs: JobsConnection,
  org: OrganizationId,
  fallback: Schedule = {},
): Promise<{ upserted: string[]; removed: string[] }> {
  const tenants = await store.listTenantSchedules(org);
  const upserted: string[] = [];
  for (const t of tenants)
    upserted.push(
      await upsertTenantSchedule(
        jobs,
        { organizationId: org, tenantId: t.tenantId },
        asJobSchedule(t.schedule, fallback),
      ),
    );
  const queue = new Queue(JOBS.assess.queue, {
    connection: jobs.connection,
    ...(jobs.prefix ? { prefix: jobs.prefix } : {}),
  });
  const removed: string[] = [];
  try {
    const live = new Set(tenants.map((t) => jobId.schedule(t.tenantId)));
    for (const s of await queue.getJobSchedulers(0, -1)) {
      const data = s.template?.data as { organizationId?: unknown; tenantId?: unknown } | undefined;
      if (data?.organizationId !== org || live.has(s.key) || typeof data.tenantId !== 'string') continue;
      if (await removeTenantSchedule(jobs, data.tenantId)) removed.push(s.key);
    }
  } finally {
    await queue.close();
  }
  return { upserted, removed };
}

export const SCHEDULE_SYNC_INTERVAL_MS = 60_000;

/**
 * Applies every organization's tenant schedules now and then every `intervalMs`: a tenant created, rescheduled or
 * deleted on the dashboard is assessed on its schedule within a minute, whatever process made the change.
 */
export function startScheduleSync(
  store: Store,
  database: Database,
  jobs: JobsConnection,
  logger: Logger,
  intervalMs = SCHEDULE_SYNC_INTERVAL_MS,
) {
  let running: Promise<unknown> | undefined;
  const pass = () => {
    running ??= (async () => {
      for (const org of await listOrganizationIds(database)) await syncSchedules(store, jobs, org);
    })()
      .catch((err) => logger.error({ err }, 'tenant schedules not applied; the next pass tries again'))
      .finally(() => {
        running = undefined;
      });
  };
  pass();
  const timer = setInterval(pass, intervalMs);
  timer.unref();
  return {
    stop(): Promise<unknown> {
      clearInterval(timer);
      return running ?? Promise.resolve();
    },
  };
}
