import type { RateLimiter } from '@evident/connector-kit';

/** How the watchers poll: the request budget, the repeat's tick and the debounce of re-assessments. */
export interface WatchOptions {
  /** How often each connection's repeat fires; a fire not due under the budget makes no request. */
  tickMs: number;
  /** The watcher's share of a day of scheduled full assessments' requests, and how many of those a day has. */
  share: number;
  assessmentsPerDay: number;
  /** The length of a day for the budget (tests shorten it). */
  dayMs: number;
  /** How soon after the first of a burst of changes the tenant is assessed again; the rest of the burst joins it. */
  debounceMs: number;
  /** How often each worker brings the repeats in line with the live connections. */
  syncMs: number;
}

/**
 * A read every minute at most, within 10% of what the 6-hourly assessments spend: a connection whose full
 * collection costs 720 requests is read every 5 minutes, a 24-request one about every 2.5 hours.
 */
export const WATCH_DEFAULTS: WatchOptions = {
  tickMs: 60_000,
  share: 0.1,
  assessmentsPerDay: 4,
  dayMs: 86_400_000,
  debounceMs: 60_000,
  syncMs: 5 * 60_000,
};

/**
 * The shortest wait between two reads that keeps a connection's watcher within its share of the requests a day of
 * full assessments makes, given what its last read and its last collection cost; never shorter than a tick.
 */
export function readIntervalMs(o: WatchOptions, cost: { collection: number; read: number }): number {
  const perDay = o.share * o.assessmentsPerDay * Math.max(1, cost.collection);
  return Math.max(o.tickMs, Math.ceil((o.dayMs * Math.max(1, cost.read)) / perDay));
}

/** The limiter with a count of the calls it ran: every provider request of a connector goes through it. */
export function countRequests(limiter: RateLimiter): RateLimiter & { readonly count: number } {
  let count = 0;
  return {
    ...(limiter.concurrency !== undefined ? { concurrency: limiter.concurrency } : {}),
    get count() {
      return count;
    },
    schedule(fn, signal) {
      return limiter.schedule(() => {
        count++;
        return fn();
      }, signal);
    },
  };
}
