import { NotFoundError } from '@evident/core';
import type { Payload } from '@evident/jobs';
import type { WorkerDeps } from '../deps.ts';
import { enqueueRun, runIdFor } from '../runs.ts';

export type ReassessOutcome =
  | { outcome: 'opened'; runId: string; changes: number }
  | { outcome: 'skipped'; reason: string };

/**
 * Opens the tenant's `change` run for every change pending, in one transaction that takes them, records them on
 * the run with its audit entry, and enqueues its flow: each change is assessed by exactly one run. The run's id
 * comes from this job's, so a retry finds it and takes nothing more.
 */
export async function reassess(deps: WorkerDeps, p: Payload<'reassess'>, jobId: string): Promise<ReassessOutcome> {
  const org = p.organizationId;
  const runId = runIdFor(`reassess.${jobId}`);
  return deps.store.transaction(async (tx) => {
    const existing = await tx.getRun(org, runId).catch((error: unknown) => {
      if (error instanceof NotFoundError) return null;
      throw error;
    });
    if (existing) {
      if (existing.status === 'running') await enqueueRun(tx, deps.jobs, existing);
      return { outcome: 'opened', runId, changes: 0 } as const;
    }
    const changes = await tx.takePendingChanges(org, p.tenantId);
    if (changes.length === 0) return { outcome: 'skipped', reason: 'no change is pending' } as const;
    const run = await tx.createRun(org, { id: runId, tenantId: p.tenantId, trigger: 'change', startedAt: deps.now() });
    await tx.setRunChanges(org, run.id, changes);
    const first = changes[0]!;
    await tx.appendAudit(org, {
      actor: 'system',
      action: 'run.start',
      target: run.id,
      data: {
        tenantId: p.tenantId,
        trigger: 'change',
        changes: changes.length,
        first: { at: first.at, actor: first.actor, action: first.action, target: first.target },
      },
    });
    // Last before the commit, as every run's: when the queue cannot take the flow, the changes stay pending.
    await enqueueRun(tx, deps.jobs, run);
    return { outcome: 'opened', runId: run.id, changes: changes.length } as const;
  });
}
