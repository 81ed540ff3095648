import type { OrganizationId, RunId, TenantId } from '@evident/core';
import type { AssessmentRun, Store } from '@evident/db';
import type { JobsConnection } from '@evident/jobs';
import { openRun, type RunRecord } from './runs.ts';

/**
 * "Scan now": opens a manual run of the tenant and enqueues its assessment, `record` written in the same
 * transaction. Returns the run id; throws `QueueUnavailableError` at once, leaving no run, when the queue is down.
 */
export async function assessNow(
  store: Store,
  jobs: JobsConnection,
  org: OrganizationId,
  tenant: TenantId,
  record?: RunRecord,
): Promise<RunId> {
  const run = await openRun(store, jobs, { organizationId: org, tenantId: tenant, trigger: 'manual' }, record);
  return run.id;
}

/**
 * Evaluates the tenant's stored facts again after an exception is approved or revoked, so it takes effect without
 * waiting for the next collection. Throws `QueueUnavailableError`, leaving no run, when the queue is down.
 */
export async function reevaluate(
  store: Store,
  jobs: JobsConnection,
  org: OrganizationId,
  tenant: TenantId,
  record?: RunRecord,
): Promise<RunId> {
  const run = await openRun(store, jobs, { organizationId: org, tenantId: tenant, trigger: 'exception' }, record);
  return run.id;
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
