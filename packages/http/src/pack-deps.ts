import { type ApiDeps, UnavailableError } from '@evident/api';
import { type PackStorage, storedPacks } from '@evident/evidence';
import { type JobsConnection, QueueUnavailableError } from '@evident/jobs';

const DOWN =
  'exports cannot be started or scheduled right now: the job queue is not answering. Nothing was changed; try again in a minute.';

function inWords<A extends unknown[], R>(call: (...args: A) => Promise<R>) {
  return (...args: A) =>
    call(...args).catch((err: unknown) => {
      if (!(err instanceof QueueUnavailableError)) throw err;
      throw new UnavailableError(DOWN, { cause: err });
    });
}

/** The dashboard's packs: a queue that is down is a 503 in words, at once. */
export function packsFor(storage: PackStorage, jobs: JobsConnection): NonNullable<ApiDeps['packs']> {
  const packs = storedPacks(storage, jobs, () => new Date());
  return {
    ...packs,
    exportNow: inWords(packs.exportNow),
    schedule: inWords(packs.schedule),
    currentSchedule: inWords(packs.currentSchedule),
  };
}
