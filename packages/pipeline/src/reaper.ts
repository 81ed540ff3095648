import { type AssessmentRun, type Database, staleRuns } from '@evident/db';
import type { Logger } from 'pino';
import type { WorkerDeps } from './deps.ts';
import { finish } from './handlers/assess.ts';
import { repeat } from './repeat.ts';
import { enqueueRun } from './runs.ts';

export interface ReaperOptions {
  /** How often each worker process sweeps. */
  intervalMs?: number;
  /** A run still `running` this long after it started has its jobs enqueued again (a no-op if they are queued). */
  requeueAfterMs?: number;
  /** A run still `running` this long after it started is finished as `failed`, with the reason. */
  failAfterMs?: number;
}

export const REAPER_DEFAULTS = { intervalMs: 60_000, requeueAfterMs: 5 * 60_000, failAfterMs: 2 * 3_600_000 };

export interface SweepReport {
  requeued: AssessmentRun[];
  failed: AssessmentRun[];
}

const minutes = (ms: number) => `${Math.round(ms / 60_000)} min`;

/**
 * One sweep over runs left `running`, e.g. when enqueueing failed after the run and its audit event were written
 * (Redis down). Failing needs only the database, so it comes first: an unreachable Redis cannot hold it up.
 */
export async function sweepStaleRuns(
  deps: WorkerDeps,
  database: Database,
  logger: Logger,
  options: ReaperOptions = {},
): Promise<SweepReport> {
  const { requeueAfterMs, failAfterMs } = { ...REAPER_DEFAULTS, ...options };
  const now = deps.now().getTime();
  const stale = await staleRuns(database, new Date(now - requeueAfterMs));
  const report: SweepReport = { requeued: [], failed: [] };
  for (const run of stale.filter((r) => Date.parse(r.startedAt) <= now - failAfterMs)) {
    const error = `the run did not finish within ${minutes(failAfterMs)}: its jobs were never queued or were lost`;
    const p = { organizationId: run.organizationId, tenantId: run.tenantId, runId: run.id, trigger: run.trigger };
    await finish(deps, p, { status: 'failed', error }, { reapedBy: 'reaper' });
    report.failed.push(run);
  }
  for (const run of stale.filter((r) => !report.failed.includes(r))) {
    try {
      await enqueueRun(deps.store, deps.jobs, run);
      report.requeued.push(run);
    } catch (err) {
      logger.warn({ err, runId: run.id, organizationId: run.organizationId }, 'stale run not re-enqueued; next sweep');
      break;
    }
  }
  if (report.failed.length > 0) logger.warn({ runs: report.failed.map((r) => r.id) }, 'stale runs failed');
  return report;
}

/** Sweeps now and then every `intervalMs`, one sweep at a time, until stopped. */
export function startReaper(deps: WorkerDeps, database: Database, logger: Logger, options: ReaperOptions = {}) {
  const { intervalMs } = { ...REAPER_DEFAULTS, ...options };
  return repeat(
    intervalMs,
    () => sweepStaleRuns(deps, database, logger, options),
    (err) => logger.warn({ err }, 'stale-run sweep failed'),
  );
}
