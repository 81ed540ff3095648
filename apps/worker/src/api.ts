import type { OrganizationId, RunId, TenantId } from '@evident/core';
import type { AssessmentRun, Store } from '@evident/db';
import {
  JOBS,
  type JobsConnection,
  jobId,
  removeTenantSchedule,
  type Schedule,
  upsertTenantSchedule,
} from '@evident/jobs';
import { Queue } from 'bullmq';
import { openRun } from './runs.ts';

/** "Scan now": opens a manual run of the tenant and enqueues its assessment. Returns the run id. */
export async function assessNow(
  store: Store,
  jobs: JobsConnection,
  org: OrganizationId,
  tenant: TenantId,
): Promise<RunId> {
  const run = await openRun(store, jobs, { organizationId: org, tenantId: tenant, trigger: 'manual' });
  return run.id;
}

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

export class RunTimeoutError extends Error {
  constructor(
    readonly runId: RunId,
    readonly timeoutMs: number,
  ) {
    super(`assessment run ${runId} did not finish within ${timeoutMs} ms`);
    this.name = 'RunTimeoutError';
  }
}

/** Polls the run until it is no longer running; throws `RunTimeoutError` past the deadline. */
export async function waitForRun(
  store: Store,
  org: OrganizationId,
  runId: RunId,
  options: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<AssessmentRun> {
  const { timeoutMs = 120_000, intervalMs = 250 } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await store.getRun(org, runId);
    if (run.status !== 'running') return run;
    if (Date.now() >= deadline) throw new RunTimeoutError(runId, timeoutMs);
    await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, Math.max(0, deadline - Date.now()))));
  }
}
