import { type Database, pendingAlerts } from '@evident/db';
import { enqueueAlertDeliveries } from '@evident/jobs';
import type { Logger } from 'pino';
import type { WorkerDeps } from './deps.ts';
import { sweepDigests } from './digests.ts';
import { repeat } from './repeat.ts';

export interface AlertSweepOptions {
  /** How often each worker process sweeps. */
  intervalMs?: number;
  /** A row pending this long is enqueued again (a no-op when its job is queued): a lost enqueue, a Redis restart. */
  graceMs?: number;
}

export const ALERT_SWEEP_DEFAULTS = { intervalMs: 30_000, graceMs: 30_000 };

/** One sweep: every organization's pending outbox rows older than the grace, enqueued under their own job ids. */
export async function sweepPendingAlerts(
  deps: WorkerDeps,
  database: Database,
  options: AlertSweepOptions = {},
): Promise<number> {
  const { graceMs } = { ...ALERT_SWEEP_DEFAULTS, ...options };
  const rows = await pendingAlerts(database, new Date(deps.now().getTime() - graceMs));
  const byOrg = new Map<(typeof rows)[number]['organizationId'], typeof rows>();
  for (const r of rows) byOrg.set(r.organizationId, [...(byOrg.get(r.organizationId) ?? []), r]);
  for (const [org, pending] of byOrg) await enqueueAlertDeliveries(deps.jobs, org, pending, deps.alerts?.retry);
  return rows.length;
}

/** Sweeps (pending rows, then digests due) now and then every `intervalMs`, one sweep at a time, until stopped. */
export function startAlertSweeper(deps: WorkerDeps, database: Database, logger: Logger, options: AlertSweepOptions) {
  const { intervalMs } = { ...ALERT_SWEEP_DEFAULTS, ...options };
  return repeat(
    intervalMs,
    async () => {
      const n = await sweepPendingAlerts(deps, database, options);
      if (n > 0) logger.info({ rows: n }, 'pending alerts enqueued again');
      await sweepDigests(deps, database, logger);
    },
    (err) => logger.warn({ err }, 'alert sweep failed'),
  );
}
