import type { OrganizationId } from '@evident/core';
import type { Store } from '@evident/db';
import {
  JOBS,
  type JobsConnection,
  jobId,
  removeTenantSchedule,
  type Schedule,
  upsertTenantSchedule,
} from '@evident/jobs';
import { Queue } from 'bullmq';

/**
 * Gives every tenant of the organization its schedule (created or replaced in place) and removes the schedules
 * of tenants that no longer exist.
 */
export async function syncSchedules(
  store: Store,
  jobs: JobsConnection,
  org: OrganizationId,
  schedule: Schedule = {},
): Promise<{ upserted: string[]; removed: string[] }> {
  const tenants = await store.listTenants(org);
  const upserted: string[] = [];
  for (const t of tenants)
    upserted.push(await upsertTenantSchedule(jobs, { organizationId: org, tenantId: t.id }, schedule));
  const queue = new Queue(JOBS.assess.queue, {
    connection: jobs.connection,
    ...(jobs.prefix ? { prefix: jobs.prefix } : {}),
  });
  const removed: string[] = [];
  try {
    const live = new Set(tenants.map((t) => jobId.schedule(t.id)));
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
