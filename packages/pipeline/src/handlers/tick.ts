import type { Payload } from '@evident/jobs';
import type { WorkerDeps } from '../deps.ts';
import { openRun, runIdFor } from '../runs.ts';

/** A tenant's schedule fired: open a run named after this tick, so a retried tick opens the same one. */
export async function tick(deps: WorkerDeps, p: Payload<'tick'>, jobId: string): Promise<{ runId: string }> {
  const run = await openRun(deps.store, deps.jobs, {
    organizationId: p.organizationId,
    tenantId: p.tenantId,
    trigger: 'schedule',
    runId: runIdFor(jobId),
    now: deps.now(),
  });
  return { runId: run.id };
}
