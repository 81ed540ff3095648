import { type Assessments, type ConnectionProgress, type RunProgress, UnavailableError } from '@evident/api';
import type { OrganizationId, RunId } from '@evident/core';
import type { Store } from '@evident/db';
import { JOBS, type JobsConnection, jobId, QueueUnavailableError } from '@evident/jobs';
import { assessNow, reevaluate } from '@evident/pipeline';
import { Queue } from 'bullmq';

const POLL_MS = 250;

function unavailable(err: unknown): never {
  if (!(err instanceof QueueUnavailableError)) throw err;
  throw new UnavailableError(
    'assessments cannot be started right now: the job queue is not answering. Nothing was started; try again in a minute.',
    { cause: err },
  );
}

/** Assess-now through the pipeline, and a run's progress read from its collect jobs' BullMQ progress. */
export function createAssessments(store: Store, jobs: JobsConnection): Assessments & { close(): Promise<void> } {
  const collect = new Queue(JOBS.collect.queue, { connection: jobs.connection, prefix: jobs.prefix });
  collect.on('error', () => {}); // the connection's owner logs its errors

  async function snapshot(org: OrganizationId, runId: RunId): Promise<RunProgress> {
    const run = await store.getRun(org, runId);
    const connections = (await store.listConnections(org, { tenantId: run.tenantId })).filter(
      (c) => c.status !== 'disabled',
    );
    const stored = new Map((await store.listCollections(org, runId)).map((c) => [c.connectionId, c]));
    const out: ConnectionProgress[] = [];
    for (const c of connections) {
      const done = stored.get(c.id);
      const job = await collect.getJob(jobId.collect({ connectionId: c.id, runId }));
      const p = (job?.progress ?? {}) as Partial<ConnectionProgress>;
      out.push({
        connectionId: c.id,
        phase: done ? done.status : typeof p.phase === 'string' ? p.phase : 'queued',
        pages: Number(p.pages ?? 0),
        facts: done ? done.factCount : Number(p.facts ?? 0),
        gaps: done ? done.gapCount : Number(p.gaps ?? 0),
        done: Boolean(done) || run.status !== 'running',
      });
    }
    return { runId, status: run.status, connections: out };
  }

  return {
    assessNow: (org, tenant, record) =>
      assessNow(store, jobs, org, tenant, (tx, run) => record(tx, run.id)).catch(unavailable),
    reevaluate: (org, tenant, record) =>
      reevaluate(store, jobs, org, tenant, (tx, run) => record(tx, run.id)).catch(unavailable),

    async *progress(org, runId, signal) {
      let last = '';
      for (;;) {
        const now = await snapshot(org, runId);
        const key = JSON.stringify(now);
        if (key !== last) yield now;
        last = key;
        if (now.status !== 'running' || signal.aborted) return;
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
    },

    close: () => collect.close(),
  };
}
