import { z } from 'zod';

/**
 * GitHub's documented limits for a personal access token: 5,000 requests per hour (primary), and as secondary limits
 * at most 100 concurrent requests and 900 points per minute per REST endpoint (a GET costs one point).
 */
export const githubRateLimitOptions = z.object({
  limit: z.number().int().positive().default(5_000),
  windowSeconds: z.number().positive().default(3_600),
  concurrent: z.number().int().positive().default(100),
  pointsPerMinute: z.number().int().positive().default(900),
});
export type GithubRateLimitOptions = z.input<typeof githubRateLimitOptions>;

export interface RateState {
  limit: number;
  used: number;
  remaining: number;
  /** Epoch seconds at which the window resets. */
  reset: number;
}

export interface SecondaryRefusal {
  reason: 'real:secondary-concurrency' | 'real:secondary-points-per-minute';
  retryAfterSeconds: number;
}

/** Primary budget per token in fixed windows that start with the token's first request. */
export class PrimaryRateLimit {
  private readonly windows = new Map<string, { start: number; used: number }>();
  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  private window(token: string, now: number) {
    let w = this.windows.get(token);
    if (!w || now >= w.start + this.windowMs) {
      w = { start: now, used: 0 };
      this.windows.set(token, w);
    }
    return w;
  }

  state(token: string, now: number): RateState {
    const w = this.window(token, now);
    const reset = Math.ceil((w.start + this.windowMs) / 1000);
    return { limit: this.limit, used: w.used, remaining: Math.max(0, this.limit - w.used), reset };
  }

  /** Spends one request; false when the budget is gone (the request is refused and not counted). */
  take(token: string, now: number): boolean {
    const w = this.window(token, now);
    if (w.used >= this.limit) return false;
    w.used++;
    return true;
  }
}

export class SecondaryRateLimit {
  private readonly inFlight = new Map<string, number>();
  private readonly minutes = new Map<string, { start: number; points: number }>();
  constructor(
    private readonly concurrent: number,
    private readonly pointsPerMinute: number,
  ) {}

  /** Admits a request (the caller must `leave` it when answered) or says why not. */
  enter(token: string, endpoint: string, now: number): SecondaryRefusal | undefined {
    const running = this.inFlight.get(token) ?? 0;
    if (running >= this.concurrent) return { reason: 'real:secondary-concurrency', retryAfterSeconds: 60 };
    const key = `${token} ${endpoint}`;
    let m = this.minutes.get(key);
    if (!m || now >= m.start + 60_000) {
      m = { start: now, points: 0 };
      this.minutes.set(key, m);
    }
    if (m.points >= this.pointsPerMinute) {
      return {
        reason: 'real:secondary-points-per-minute',
        retryAfterSeconds: Math.ceil((m.start + 60_000 - now) / 1000),
      };
    }
    m.points++;
    this.inFlight.set(token, running + 1);
    return undefined;
  }

  leave(token: string): void {
    this.inFlight.set(token, Math.max(0, (this.inFlight.get(token) ?? 1) - 1));
  }
}
