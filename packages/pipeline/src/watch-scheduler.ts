import { type Database, watchTargets } from '@evident/db';
import { listWatchSchedules, removeWatchSchedule, upsertWatchSchedule } from '@evident/jobs';
import type { Logger } from 'pino';
import type { WorkerDeps } from './deps.ts';
import { repeat } from './repeat.ts';

/**
 * Gives every live connection whose connector keeps a change trail its watch repeat, and removes the repeats of
 * connections that are gone, disabled, or of a kind that does not watch. Repeats are keyed by connection, so every
 * worker may run this at once.
 */
export async function syncWatchSchedules(
  deps: WorkerDeps,
  database: Database,
): Promise<{ added: string[]; removed: string[] }> {
  const live = (await watchTargets(database)).filter(
    (t) => deps.connectors[t.kind as keyof WorkerDeps['connectors']]?.watch,
  );
  const existing = await listWatchSchedules(deps.jobs);
  const added: string[] = [];
  for (const t of live) {
    if (existing.has(t.connectionId)) continue;
    await upsertWatchSchedule(
      deps.jobs,
      { organizationId: t.organizationId, connectionId: t.connectionId },
      deps.watch.tickMs,
    );
    added.push(t.connectionId);
  }
  const keep = new Set(live.map((t) => t.connectionId));
  const removed: string[] = [];
  for (const { connectionId } of existing.values())
    if (!keep.has(connectionId) && (await removeWatchSchedule(deps.jobs, connectionId))) removed.push(connectionId);
  return { added, removed };
}

export function startWatchScheduler(deps: WorkerDeps, database: Database, logger: Logger) {
  return repeat(
    deps.watch.syncMs,
    async () => {
      const { added, removed } = await syncWatchSchedules(deps, database);
      if (added.length + removed.length > 0)
        logger.info({ added: added.length, removed: removed.length }, 'watch repeats synced');
    },
    (err) => logger.warn({ err }, 'watch repeat sync failed'),
  );
}
