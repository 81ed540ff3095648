import { sleep } from './retry.ts';

export interface LimiterOptions {
  /** Requests in flight at once. */
  concurrency?: number;
  /** Requests started per second at most (token bucket with a burst of one second's worth). */
  perSecond?: number;
}

/** One per connection: keeps a collection within what the provider tolerates before it starts throttling. */
export interface RateLimiter {
  /** Requests in flight at once, when bounded: a connection's HTTP pool needs no more sockets per origin. */
  readonly concurrency?: number;
  schedule<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T>;
}

export const DEFAULT_CONCURRENCY = 4;

export function createLimiter({ concurrency = DEFAULT_CONCURRENCY, perSecond }: LimiterOptions = {}): RateLimiter {
  let active = 0;
  const queue: (() => void)[] = [];
  let tokens = perSecond ?? 0;
  let refilledAt = Date.now();

  const acquireSlot = () =>
    new Promise<void>((resolve) => {
      if (active < concurrency) {
        active++;
        resolve();
      } else queue.push(resolve);
    });
  const releaseSlot = () => {
    const next = queue.shift();
    if (next) next();
    else active--;
  };
  const acquireToken = async (signal?: AbortSignal) => {
    if (!perSecond) return;
    for (;;) {
      const now = Date.now();
      tokens = Math.min(perSecond, tokens + ((now - refilledAt) / 1000) * perSecond);
      refilledAt = now;
      if (tokens >= 1) {
        tokens -= 1;
        return;
      }
      await sleep(Math.ceil(((1 - tokens) / perSecond) * 1000), signal);
    }
  };

  return {
    concurrency,
    async schedule(fn, signal) {
      await acquireSlot();
      try {
        await acquireToken(signal);
        return await fn();
      } finally {
        releaseSlot();
      }
    },
  };
}
