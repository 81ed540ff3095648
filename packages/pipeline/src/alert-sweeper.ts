import { type Database, pendingAlerts } from '@evident/db';
import { enqueueAlertDeliveries } from '@evident/jobs';
import type { Logger } from 'pino';
import type { WorkerDeps } from './deps.ts';
import { sweepDigests } from './digests.ts';
import { sweepExpiringExceptions } from './notices.ts';
import { repeat } from './repeat.ts';

export interface AlertSweepOptions {
  /** How often each worker process sweeps. */
  intervalMs?: number;
  /** A row pending this long is enqueued again (a no-op when its job is queued): a lost enqueue, a Redis restart. */
  graceMs?: number;
  /** How often exceptions about to expire are looked for (each raises one alert, however often it is seen). */
  exceptionsEveryMs?: number;
}

export const ALERT_SWEEP_DEFAULTS = { intervalMs: 30_000, graceMs: 30_000, exceptionsEveryMs: 86_400_000 };

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

/**
 * Sweeps (pending rows, then digests due) now and then every `intervalMs`, one sweep at a time, until stopped; and
 * exceptions about to expire now and then every `exceptionsEveryMs` (a day by default).
 */
export function startAlertSweeper(deps: WorkerDeps, database: Database, logger: Logger, options: AlertSweepOptions) {
  const { intervalMs, exceptionsEveryMs } = { ...ALERT_SWEEP_DEFAULTS, ...options };
  const exceptions = repeat(
    exceptionsEveryMs,
    async () => {
      const n = await sweepExpiringExceptions(deps, database, logger);
      if (n > 0) logger.info({ alerts: n }, 'expiring exceptions alerted');
    },
    (err) => logger.warn({ err }, 'expiring exception sweep failed'),
  );
  const pending = repeat(
    intervalMs,
    async () => {
      const n = await sweepPendingAlerts(deps, database, options);
      if (n > 0) logger.info({ rows: n }, 'pending alerts enqueued again');
      await sweepDigests(deps, database, logger);
    },
    (err) => logger.warn({ err }, 'alert sweep failed'),
  );
  return { stop: () => Promise.all([pending.stop(), exceptions.stop()]) };
}
