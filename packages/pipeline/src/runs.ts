import { createHash } from 'node:crypto';
import type { OrganizationId, RunId, TenantId } from '@evident/core';
import type { AssessmentRun, RunTrigger, Store } from '@evident/db';
import { enqueueAssessment, type JobsConnection, queueReady } from '@evident/jobs';

/** A run id derived from the job that opens it, so a retried tick opens the same run. */
export function runIdFor(jobId: string): RunId {
  const digest = BigInt(`0x${createHash('sha256').update(jobId).digest('hex')}`);
  return `run_${digest.toString(36).padStart(26, '0').slice(-26)}` as RunId;
}

/** Written in the transaction that opens a run, before its jobs are enqueued: the caller's own audit entry. */
export type RunRecord = (tx: Store, run: AssessmentRun) => Promise<unknown>;

/**
 * Creates the run (and its audit event, once) and enqueues its flow, one `collect` per enabled connection, in one
 * transaction: when the queue cannot take the jobs, the run is rolled back and nothing is left `running`.
 */
export async function openRun(
  store: Store,
  jobs: JobsConnection,
  target: { organizationId: OrganizationId; tenantId: TenantId; trigger: RunTrigger; runId?: RunId; now?: Date },
  record?: RunRecord,
): Promise<AssessmentRun> {
  const { organizationId: org, tenantId, trigger } = target;
  const startedAt = target.now ?? new Date();
  return store.transaction(async (tx) => {
    const created = await tx.createRun(org, {
      tenantId,
      trigger,
      startedAt,
      ...(target.runId ? { id: target.runId } : {}),
    });
    if (created.startedAt === startedAt.toISOString()) {
      await tx.appendAudit(org, {
        actor: 'system',
        action: 'run.start',
        target: created.id,
        data: { tenantId, trigger },
      });
      await record?.(tx, created);
    }
    // Last before the commit: a job taken before it finds no run yet and is retried (they are retried with backoff).
    if (created.status === 'running') await enqueueRun(tx, jobs, created);
    return created;
  });
}

/**
 * Enqueues a running run's flow: one `collect` per enabled connection, each expected to take as long as its last
 * good collection did. Job ids are deterministic, so enqueuing a run whose jobs are already queued adds nothing; the
 * reaper relies on that.
 */
export async function enqueueRun(store: Store, jobs: JobsConnection, run: AssessmentRun): Promise<void> {
  await queueReady(jobs.connection);
  const org = run.organizationId;
  const [connections, latest] = await Promise.all([
    store.listConnections(org, { tenantId: run.tenantId }),
    store.latestCollections(org, run.tenantId),
  ]);
  const took = new Map(latest.map((c) => [c.connectionId, Date.parse(c.finishedAt) - Date.parse(c.startedAt)]));
  await enqueueAssessment(
    jobs,
    { organizationId: org, tenantId: run.tenantId, runId: run.id, trigger: run.trigger },
    // An exception approved or revoked takes effect on the facts already stored: nothing is collected.
    run.trigger === 'exception'
      ? []
      : connections
          .filter((c) => c.status !== 'disabled')
          .map((c) => ({ id: c.id, expectedMs: took.get(c.id) ?? null })),
  );
}
