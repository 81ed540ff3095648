import { startEvaluation } from '@evident/controls';
import { enqueueAlertDeliveries, type Payload } from '@evident/jobs';
import type { JobRuntime, WorkerDeps } from '../deps.ts';

export type AssessOutcome =
  | { outcome: 'skipped'; reason: string }
  | { outcome: 'assessed'; results: number; drift: number; failedConnections: string[] };

/**
 * Evaluates the tenant over the newest good facts of every connection, plus the gaps of this run's failed
 * collections: a connection that failed keeps its last good facts, and its controls say why they are unknown.
 */
export async function assess(deps: WorkerDeps, p: Payload<'assess'>, rt: JobRuntime): Promise<AssessOutcome> {
  const { store } = deps;
  const org = p.organizationId;
  const run = await store.getRun(org, p.runId);
  if (run.status !== 'running') return { outcome: 'skipped', reason: `the run is already ${run.status}` };
  const now = deps.now();
  const exceptions = await store.activeExceptions(org, p.tenantId, now);
  const evaluation = startEvaluation({ now, exceptions });
  for await (const fact of store.latestFacts(org, p.tenantId)) evaluation.add(fact);
  const failed = (await store.listCollections(org, p.runId)).filter((c) => c.status === 'failed');
  for (const c of failed) {
    for await (const fact of store.collectionFacts(org, c.id)) if (fact.type === 'gap') evaluation.add(fact);
  }
  const results = evaluation.finish();
  const { drift, alerts } = await store.writeResults(org, p.runId, results);
  // After the commit; should this fail or the process die first, the sweeper enqueues the rows later.
  await enqueueAlertDeliveries(deps.jobs, org, alerts, deps.alerts?.retry).catch((err) =>
    rt.logger.warn({ err, alerts: alerts.length }, 'alerts not enqueued; the sweeper will'),
  );
  const failedConnections = failed.map((c) => c.connectionId);
  await finish(
    deps,
    p,
    { status: 'succeeded', error: null },
    { results: results.length, drift: drift.length, failedConnections },
  );
  rt.logger.info({ results: results.length, drift: drift.length, failedConnections }, 'assessment finished');
  return { outcome: 'assessed', results: results.length, drift: drift.length, failedConnections };
}

/** Finishes the run and records it in the audit log, together: a retry finds the run finished and does neither. */
export async function finish(
  deps: WorkerDeps,
  p: Payload<'assess'>,
  outcome: { status: 'succeeded' | 'failed'; error: string | null },
  data: Record<string, number | string | string[]> = {},
): Promise<void> {
  const org = p.organizationId;
  await deps.store.transaction(async (tx) => {
    const before = await tx.getRun(org, p.runId);
    if (before.status !== 'running') return;
    await tx.finishRun(org, p.runId, { ...outcome, finishedAt: deps.now() });
    await tx.appendAudit(org, {
      actor: 'system',
      action: 'run.finish',
      target: p.runId,
      data: {
        tenantId: p.tenantId,
        status: outcome.status,
        ...(outcome.error ? { error: outcome.error } : {}),
        ...data,
      },
    });
  });
}
