import { idSchema } from '@evident/core';
import { z } from 'zod';

/** Payloads carry ids only, never secrets: workers read everything else from the store. Extra keys are refused. */
export const JOBS = {
  /** Assess one tenant: the parent of a flow whose children collect each connection. */
  assess: {
    queue: 'assess',
    payload: z.strictObject({
      organizationId: idSchema('org'),
      tenantId: idSchema('ten'),
      runId: idSchema('run'),
      /** `exception`: evaluate the stored facts again, collecting nothing; `change`: a watcher saw a change. */
      trigger: z.enum(['schedule', 'manual', 'exception', 'change']),
    }),
    attempts: 3,
    backoffMs: 5_000,
  },
  /** A tenant's schedule fired: the worker opens a run and enqueues the assessment flow for it. */
  tick: {
    queue: 'assess',
    payload: z.strictObject({ organizationId: idSchema('org'), tenantId: idSchema('ten') }),
    attempts: 3,
    backoffMs: 5_000,
  },
  /** Collect one connection for one run. A failed child leaves its controls unknown; it does not fail the parent. */
  collect: {
    queue: 'collect',
    payload: z.strictObject({
      organizationId: idSchema('org'),
      tenantId: idSchema('ten'),
      connectionId: idSchema('con'),
      runId: idSchema('run'),
    }),
    attempts: 5,
    backoffMs: 10_000,
  },
  /** Export one tenant's evidence pack: on demand, or from its export schedule (cron with a time zone). */
  export: {
    queue: 'export',
    payload: z.strictObject({ organizationId: idSchema('org'), tenantId: idSchema('ten') }),
    attempts: 3,
    backoffMs: 60_000,
  },
  /**
   * Deliver one alert outbox row to its channel. Backoff doubles from 5 s (5, 10, 20, 40 s…); after the last
   * attempt the row is dead-lettered with its error.
   */
  'deliver-alert': {
    queue: 'alerts',
    payload: z.strictObject({
      organizationId: idSchema('org'),
      outboxId: z.string().regex(/^alo_[0-9a-f]{32}$/, 'an alert outbox id'),
    }),
    attempts: 6,
    backoffMs: 5_000,
  },
  /**
   * Read one connection's change trail from its stored cursor (a repeat per connection whose connector watches).
   * A failed read is recorded, not retried: the next repeat reads from the same cursor.
   */
  watch: {
    queue: 'watch',
    payload: z.strictObject({ organizationId: idSchema('org'), connectionId: idSchema('con') }),
    attempts: 1,
    backoffMs: 5_000,
  },
  /** Changes were seen: assess the tenant again, opened once for a burst of them (debounced per tenant). */
  reassess: {
    queue: 'assess',
    payload: z.strictObject({ organizationId: idSchema('org'), tenantId: idSchema('ten') }),
    attempts: 3,
    backoffMs: 5_000,
  },
  /** Import the customers selected from a provider account: one job per import, resumable from its stored cursor. */
  import: {
    queue: 'imports',
    payload: z.strictObject({ organizationId: idSchema('org'), importId: idSchema('imp') }),
    attempts: 5,
    backoffMs: 5_000,
  },
} as const;

export type JobName = keyof typeof JOBS;
export type Payload<N extends JobName> = z.infer<(typeof JOBS)[N]['payload']>;

/** Every job has a handler, or the worker does not compile. */
export type Handlers<R = unknown> = {
  [N in JobName]: (payload: Payload<N>, meta: { jobId: string; attempt: number; attempts: number }) => Promise<R>;
};

/** Parses a payload on dequeue; a job with a malformed payload fails at once with the zod issues. */
export function parsePayload<N extends JobName>(name: N, data: unknown): Payload<N> {
  return JOBS[name].payload.parse(data) as Payload<N>;
}

/**
 * Deterministic ids, so that enqueuing the same work twice adds it once. BullMQ keeps `:` for its own keys, so
 * the parts are joined with `.`.
 */
export const jobId = {
  assess: (p: Pick<Payload<'assess'>, 'tenantId' | 'runId'>) => `assess.${p.tenantId}.${p.runId}`,
  collect: (p: Pick<Payload<'collect'>, 'connectionId' | 'runId'>) => `collect.${p.connectionId}.${p.runId}`,
  schedule: (tenantId: string) => `assess-schedule.${tenantId}`,
  exportSchedule: (tenantId: string) => `export-schedule.${tenantId}`,
  /** The outbox row's id, and its round: a dead-lettered row retried by hand is a new job of the same row. */
  deliverAlert: (outboxId: string, round: number) => (round === 0 ? outboxId : `${outboxId}.r${round}`),
  /** On demand: one per tenant per minute, so a double click exports once. */
  import: (importId: string) => `import.${importId}`,
  /** An imported tenant's first assessment, a `tick` delayed into its throttle window: queued once per tenant. */
  firstRun: (tenantId: string) => `first-run.${tenantId}`,
  /** A connection's watch repeat. */
  watchSchedule: (connectionId: string) => `watch-schedule.${connectionId}`,
  /** The deduplication key of a tenant's re-assessment: a burst of changes opens one run. */
  reassess: (tenantId: string) => `reassess.${tenantId}`,
  export: (tenantId: string, at: Date) => `export.${tenantId}.${at.toISOString().slice(0, 16).replace(/[-:T]/g, '')}`,
};
