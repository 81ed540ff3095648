import { Queue } from 'bullmq';
import { JOBS, jobId, type Payload } from './catalog.ts';
import { type JobsConnection, options } from './enqueue.ts';

const queueOf = (jobs: JobsConnection, name: string) =>
  new Queue(name, { connection: jobs.connection, ...(jobs.prefix ? { prefix: jobs.prefix } : {}) });

/** Creates a connection's watch repeat, or replaces it when its interval changed; an unchanged one is left alone. */
export async function upsertWatchSchedule(
  jobs: JobsConnection,
  target: Payload<'watch'>,
  everyMs: number,
): Promise<string> {
  const queue = queueOf(jobs, JOBS.watch.queue);
  try {
    const id = jobId.watchSchedule(target.connectionId);
    const existing = await queue.getJobScheduler(id);
    if (existing?.every === everyMs) return id;
    const data = JOBS.watch.payload.parse(target);
    await queue.upsertJobScheduler(
      id,
      { every: everyMs },
      {
        name: 'watch',
        data,
        opts: { ...options('watch'), removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } },
      },
    );
    return id;
  } finally {
    await queue.close();
  }
}

/** The watch repeats in force, by connection id. */
export async function listWatchSchedules(jobs: JobsConnection): Promise<Map<string, Payload<'watch'>>> {
  const queue = queueOf(jobs, JOBS.watch.queue);
  try {
    const out = new Map<string, Payload<'watch'>>();
    for (const s of await queue.getJobSchedulers(0, -1)) {
      const parsed = JOBS.watch.payload.safeParse(s.template?.data);
      if (parsed.success) out.set(parsed.data.connectionId, parsed.data);
    }
    return out;
  } finally {
    await queue.close();
  }
}

export async function removeWatchSchedule(jobs: JobsConnection, connectionId: string): Promise<boolean> {
  const queue = queueOf(jobs, JOBS.watch.queue);
  try {
    return await queue.removeJobScheduler(jobId.watchSchedule(connectionId));
  } finally {
    await queue.close();
  }
}

/**
 * Queues a tenant's re-assessment `debounceMs` from now, once: while one is waiting, more changes add nothing (they
 * are pending in the store and its run takes them all); while one runs, one more is kept to follow it.
 */
export async function enqueueReassess(
  jobs: JobsConnection,
  target: Payload<'reassess'>,
  debounceMs: number,
): Promise<void> {
  const queue = queueOf(jobs, JOBS.reassess.queue);
  try {
    const data = JOBS.reassess.payload.parse(target);
    await queue.add('reassess', data, {
      ...options('reassess'),
      delay: debounceMs,
      deduplication: { id: jobId.reassess(data.tenantId), keepLastIfActive: true },
    });
  } finally {
    await queue.close();
  }
}
