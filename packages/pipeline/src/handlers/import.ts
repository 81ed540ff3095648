import type { ImportProgress } from '@evident/db';
import type { Payload } from '@evident/jobs';
import { UnrecoverableError } from 'bullmq';
import type { JobRuntime, WorkerDeps } from '../deps.ts';
import { runImport } from '../import.ts';

/** The import job: resumes from the stored cursor; the last failed attempt marks the import failed, with why. */
export async function importCustomers(
  deps: WorkerDeps,
  p: Payload<'import'>,
  rt: JobRuntime,
  meta: { attempt: number; attempts: number },
): Promise<Pick<ImportProgress, 'status' | 'done' | 'total'>> {
  try {
    const { status, done, total } = await runImport({ ...deps, signal: rt.signal }, p);
    return { status, done, total };
  } catch (error) {
    if (!rt.signal.aborted && (error instanceof UnrecoverableError || meta.attempt >= meta.attempts)) {
      const message = error instanceof Error ? error.message : String(error);
      // A refusal is already worded for the person who started the import; anything else says it was retried.
      const reason =
        error instanceof UnrecoverableError
          ? message
          : `the import stopped after ${meta.attempts} attempts; the last one failed with: ${message}`;
      await deps.store.finishImport(p.organizationId, p.importId, reason).catch(() => {});
      rt.logger.warn({ err: error }, 'import failed');
    }
    throw error;
  }
}
