import { exportJobHandler } from '@evident/evidence';
import type { Payload } from '@evident/jobs';
import { UnrecoverableError } from 'bullmq';
import type { JobRuntime, WorkerDeps } from '../deps.ts';

/** One scheduled or on-demand evidence pack: stored, old packs pruned, the webhook told; only ids are logged. */
export async function exportEvidence(deps: WorkerDeps, p: Payload<'export'>, rt: JobRuntime) {
  if (!deps.exports) throw new UnrecoverableError('evidence exports are not configured on this worker');
  const outcome = await exportJobHandler({ store: deps.store, now: deps.now, ...deps.exports })(p);
  rt.logger.info(
    { key: outcome.pack.stored.key, pruned: outcome.deleted.length, webhook: outcome.webhook?.status ?? null },
    'evidence pack exported',
  );
  return { key: outcome.pack.stored.key, manifestSha256: outcome.pack.manifestSha256 };
}
