import { z } from 'zod';
import type { QuotaRule } from './errors.ts';
import type { QuotaName } from './rpcs.ts';

/**
 * Per-minute request quotas. Google charges config reads to the caller's project (one service account for every
 * customer), so each quota is one bucket for the whole simulator, not one per tenant. Google publishes these numbers
 * only on each project's Quotas page; 600 (Logging "Control requests") and 1,200 (Resource Manager reads) are assumptions.
 */
export const gcpQuotaOptions = z.object({
  loggingControlRequestsPerMinute: z.number().int().positive().default(600),
  resourceManagerReadsPerMinute: z.number().int().positive().default(1_200),
});
export type GcpQuotaOptions = z.input<typeof gcpQuotaOptions>;

export const CALLER = 'project_number:100000000042';

export function quotaRules(options: GcpQuotaOptions): Record<QuotaName, QuotaRule> {
  const o = gcpQuotaOptions.parse(options);
  return {
    logging: {
      service: 'logging.googleapis.com',
      metric: 'logging.googleapis.com/control_requests',
      limitName: 'ControlRequestsPerMinutePerProject',
      display: 'Control requests',
      perMinute: o.loggingControlRequestsPerMinute,
    },
    resourceManager: {
      service: 'cloudresourcemanager.googleapis.com',
      metric: 'cloudresourcemanager.googleapis.com/v3_read_requests',
      limitName: 'ReadRequestsPerMinutePerProject',
      display: 'Read requests',
      perMinute: o.resourceManagerReadsPerMinute,
    },
  };
}

/** Fixed one-minute windows, aligned to the clock's minutes as Google's per-minute quotas are. */
export class MinuteQuota {
  private minute = -1;
  private used = 0;
  constructor(readonly rule: QuotaRule) {}

  take(now: number): boolean {
    const minute = Math.floor(now / 60_000);
    if (minute !== this.minute) [this.minute, this.used] = [minute, 0];
    if (this.used >= this.rule.perMinute) return false;
    this.used++;
    return true;
  }

  secondsLeft(now: number): number {
    return Math.ceil(((this.minute + 1) * 60_000 - now) / 1000);
  }
}
