import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';

/** The queue's connection did not become ready in time: enqueuing would wait for it as long as Redis is down. */
export class QueueUnavailableError extends Error {
  constructor(status: string) {
    super(`the job queue is not reachable (its connection is ${status})`);
    this.name = 'QueueUnavailableError';
  }
}

/** How long a request's enqueue waits for a connection that is still connecting before it gives up. */
export const READY_WAIT_MS = 1_000;

/** Resolves when the connection is ready; a connection still (re)connecting gets `waitMs`, then the error. */
export async function queueReady(connection: Redis, waitMs = READY_WAIT_MS): Promise<void> {
  if (connection.status === 'ready') return;
  if (connection.status === 'wait') connection.connect().catch(() => {});
  const stop = new AbortController();
  // An error while connecting (refused, unknown host) ends the wait at once: the queue is not there.
  const ready = once(connection, 'ready', { signal: stop.signal }).then(
    () => true,
    () => false,
  );
  const late = sleep(waitMs, false, { ref: false, signal: stop.signal }).catch(() => false);
  const ok = await Promise.race([ready, late]);
  stop.abort();
  if (!ok) throw new QueueUnavailableError(connection.status);
}
