/** Graph's throttling families (learn.microsoft.com/graph/throttling-limits), per app and tenant. */
export type ThrottleFamily = 'reports' | 'conditionalAccess' | 'identity' | 'none';

export interface ThrottleVerdict {
  admitted: boolean;
  /** `real:reports-5-per-10s`, `real:ca-1-per-s` or `real:identity-resource-units` when refused. */
  reason: string;
  /** How long until a retry can pass; null when the service does not say (conditional access). */
  retryAfterMs: number | null;
  headers: Record<string, string>;
}

const REPORTS_LIMIT = 5;
const REPORTS_WINDOW_MS = 10_000;
const CA_WINDOW_MS = 1_000;
const IDENTITY_WINDOW_MS = 10_000;

/** Resource units per 10 s for the identity family: small (under 50 users), medium (50–500), large. */
export function identityBudget(users: number): number {
  if (users < 50) return 3_500;
  return users <= 500 ? 5_000 : 8_000;
}

/**
 * The real per-tenant limits, on the wall clock. `scale` shrinks every window (0.01 makes the 10 s reports window
 * 100 ms) so tests can meet a limit and its recovery quickly.
 */
export class RealThrottles {
  private readonly reports = new Map<string, number[]>();
  private readonly conditionalAccess = new Map<string, number>();
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    readonly scale: number,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  admit(tenant: string, family: ThrottleFamily, cost: number, users: number): ThrottleVerdict {
    const now = this.clock();
    if (family === 'reports') return this.slidingWindow(tenant, now);
    if (family === 'conditionalAccess') return this.onePerSecond(tenant, now);
    if (family === 'identity') return this.tokenBucket(tenant, now, cost, identityBudget(users));
    return pass({});
  }

  private slidingWindow(tenant: string, now: number): ThrottleVerdict {
    const window = REPORTS_WINDOW_MS * this.scale;
    const times = (this.reports.get(tenant) ?? []).filter((t) => now - t < window);
    this.reports.set(tenant, times);
    if (times.length >= REPORTS_LIMIT)
      return refuse('real:reports-5-per-10s', Math.max(1, times[0]! + window - now), {});
    times.push(now);
    return pass({});
  }

  private onePerSecond(tenant: string, now: number): ThrottleVerdict {
    const last = this.conditionalAccess.get(tenant);
    if (last !== undefined && now - last < CA_WINDOW_MS * this.scale) return refuse('real:ca-1-per-s', null, {});
    this.conditionalAccess.set(tenant, now);
    return pass({});
  }

  private tokenBucket(tenant: string, now: number, cost: number, capacity: number): ThrottleVerdict {
    const refillPerMs = capacity / (IDENTITY_WINDOW_MS * this.scale);
    const bucket = this.buckets.get(tenant) ?? { tokens: capacity, at: now };
    bucket.tokens = Math.min(capacity, bucket.tokens + (now - bucket.at) * refillPerMs);
    bucket.at = now;
    this.buckets.set(tenant, bucket);
    const headers: Record<string, string> = { 'x-ms-resource-unit': String(cost) };
    if (bucket.tokens < cost)
      return refuse('real:identity-resource-units', (cost - bucket.tokens) / refillPerMs, {
        ...headers,
        'x-ms-throttle-scope': `Tenant_Application/ReadWrite/${tenant}`,
        'x-ms-throttle-information': 'ResourceUnitLimitExceeded',
      });
    bucket.tokens -= cost;
    const used = (1 - bucket.tokens / capacity) * 100;
    if (used > 80) headers['x-ms-throttle-limit-percentage'] = used.toFixed(1);
    return pass(headers);
  }

  /** Retry-After as sent: whole seconds at real scale, fractional seconds when the windows are scaled. */
  retryAfterHeader(ms: number): string {
    if (this.scale === 1) return String(Math.max(1, Math.ceil(ms / 1000)));
    return String(Math.max(0.001, Math.ceil(ms) / 1000));
  }
}

function pass(headers: Record<string, string>): ThrottleVerdict {
  return { admitted: true, reason: '', retryAfterMs: null, headers };
}

function refuse(reason: string, retryAfterMs: number | null, headers: Record<string, string>): ThrottleVerdict {
  return { admitted: false, reason, retryAfterMs, headers };
}
