import type { SimulatorName } from './scenario/schema.ts';

export interface RequestCount {
  simulator: SimulatorName;
  tenant: string;
  endpoint: string;
  requests: number;
  /** Requests answered with data (not a throttle, fault or error). */
  served: number;
}

export interface ThrottleDecision {
  simulator: SimulatorName;
  tenant: string;
  endpoint: string;
  /** Milliseconds since the simulator started. */
  at: number;
  /** Why: `real:reports-5-per-10s`, `real:ca-1-per-s`, `fault:throttle`, `real:secondary-rate-limit`... */
  reason: string;
  retryAfterSeconds: number | null;
}

/** Counts requests by simulator, tenant and endpoint, and records every throttle decision. */
export class Accounting {
  private readonly counts = new Map<string, RequestCount>();
  private readonly throttles: ThrottleDecision[] = [];
  private readonly started = Date.now();

  request(simulator: SimulatorName, tenant: string, endpoint: string, served: boolean): void {
    const key = `${simulator}\u0000${tenant}\u0000${endpoint}`;
    let c = this.counts.get(key);
    if (!c) {
      c = { simulator, tenant, endpoint, requests: 0, served: 0 };
      this.counts.set(key, c);
    }
    c.requests++;
    if (served) c.served++;
  }

  throttle(decision: Omit<ThrottleDecision, 'at'>): void {
    this.throttles.push({ ...decision, at: Date.now() - this.started });
  }

  snapshot(): { requests: RequestCount[]; throttles: ThrottleDecision[] } {
    return { requests: [...this.counts.values()].map((c) => ({ ...c })), throttles: [...this.throttles] };
  }

  total(filter: Partial<Pick<RequestCount, 'simulator' | 'tenant' | 'endpoint'>> = {}): number {
    let n = 0;
    for (const c of this.counts.values()) {
      if (filter.simulator && c.simulator !== filter.simulator) continue;
      if (filter.tenant && c.tenant !== filter.tenant) continue;
      if (filter.endpoint && c.endpoint !== filter.endpoint) continue;
      n += c.requests;
    }
    return n;
  }

  reset(): void {
    this.counts.clear();
    this.throttles.length = 0;
  }
}
