import { unit } from './rng.ts';
import { type FaultSpec, faultSpec, type SimulatorName } from './scenario/schema.ts';

export type FaultOutcome = 'ok' | 'throttle' | 'server_error' | 'timeout' | 'reset' | 'truncate' | 'token_expired';

export interface FaultDecision {
  delayMs: number;
  outcome: FaultOutcome;
  /** A permission that has been revoked by now; the simulator refuses endpoints that need it. */
  revokedPermission: string | undefined;
}

/**
 * Decides, per request, what goes wrong. Deterministic: the n-th request of a tenant always meets the same fate
 * for a given seed, so a failing test replays exactly.
 */
export class FaultPlan {
  private readonly specs = new Map<string, FaultSpec>();
  private readonly counts = new Map<string, number>();

  constructor(
    private readonly simulator: SimulatorName,
    private readonly seed: number,
    private defaults: FaultSpec = faultSpec.parse({}),
  ) {}

  /** Replaces the faults of one tenant (or of every tenant without its own, with `tenant` undefined) at run time. */
  set(tenant: string | undefined, spec: Partial<FaultSpec>): void {
    const parsed = faultSpec.parse(spec);
    if (tenant === undefined) this.defaults = parsed;
    else this.specs.set(tenant, parsed);
  }

  spec(tenant: string): FaultSpec {
    return this.specs.get(tenant) ?? this.defaults;
  }

  decide(tenant: string): FaultDecision {
    const spec = this.spec(tenant);
    const n = (this.counts.get(tenant) ?? 0) + 1;
    this.counts.set(tenant, n);
    const r = (what: string) => unit(this.seed, this.simulator, tenant, n, what);
    const delayMs = spec.latencyMs + (spec.jitterMs > 0 ? (r('jitter') * 2 - 1) * spec.jitterMs : 0);
    const revokedPermission =
      spec.revokePermission && n > spec.revokePermission.after ? spec.revokePermission.permission : undefined;

    let outcome: FaultOutcome = 'ok';
    if (spec.tokenExpiresAfter !== undefined && n > spec.tokenExpiresAfter) outcome = 'token_expired';
    else {
      const roll = r('outcome');
      const bands: [FaultOutcome, number][] = [
        ['throttle', spec.throttleShare],
        ['server_error', spec.serverErrorShare],
        ['timeout', spec.timeoutShare],
        ['reset', spec.resetShare],
        ['truncate', spec.truncateShare],
      ];
      let edge = 0;
      for (const [name, share] of bands) {
        edge += share;
        if (roll < edge) {
          outcome = name;
          break;
        }
      }
    }
    return { delayMs: Math.max(0, delayMs), outcome, revokedPermission };
  }

  /** Requests seen per tenant so far. */
  requestCount(tenant: string): number {
    return this.counts.get(tenant) ?? 0;
  }
}
