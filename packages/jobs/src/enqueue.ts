import { FlowProducer, type JobsOptions, Queue, type RepeatOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { JOBS, type JobName, jobId, type Payload } from './catalog.ts';

export interface JobsConnection {
  /** A producer connection: fail fast (`maxRetriesPerRequest` left at its default). */
  connection: Redis;
  /** Key prefix; tests give each run its own, deployments on Redis Cluster use a hash tag (`{evident}`). */
  prefix?: string;
}

/** BullMQ's lowest priority; lower numbers run first, and jobs without one run before every prioritized job. */
const PRIORITY_LIMIT = 2 ** 21 - 1;

/**
 * Where a collection stands in the queue. A person waiting on a manual run comes first; then collections nobody has
 * timed yet (a new connection, whose size is unknown); then the longest first, by the connection's last good
 * collection in 100 ms steps. Longest first keeps a sweep of many tenants from ending on one large tenant that
 * started last while the other workers sit idle.
 */
export function collectPriority(trigger: Payload<'assess'>['trigger'], expectedMs: number | null): number {
  // Someone is waiting on a manual run; a change run answers a change that may be an attack.
  if (trigger === 'manual' || trigger === 'change') return 1;
  if (expectedMs === null) return 2;
  return PRIORITY_LIMIT - Math.min(PRIORITY_LIMIT - 3, Math.max(0, Math.floor(expectedMs / 100)));
}

/** A connection to collect, and how long its last good collection took (null: never collected, or none finished). */
export interface CollectTarget {
  id: string;
  expectedMs: number | null;
}

export function options(name: JobName, id?: string): JobsOptions {
  const spec = JOBS[name];
  return {
    ...(id ? { jobId: id } : {}),
    attempts: spec.attempts,
    backoff: { type: 'exponential', delay: spec.backoffMs },
    removeOnComplete: { age: 7 * 24 * 3600, count: 10_000 },
    removeOnFail: { age: 30 * 24 * 3600 },
  };
}

/**
 * Enqueues one assessment as a flow: the `assess` parent runs once every `collect` child has finished or failed
 * (`ignoreDependencyOnFailure`), so one broken connection never blocks the tenant's verdicts. Each child is queued
 * by `collectPriority`.
 */
export async function enqueueAssessment(
  jobs: JobsConnection,
  assess: Payload<'assess'>,
  targets: readonly CollectTarget[],
): Promise<string> {
  const flows = new FlowProducer({ connection: jobs.connection, ...(jobs.prefix ? { prefix: jobs.prefix } : {}) });
  try {
    const parent = JOBS.assess.payload.parse(assess);
    const children = targets.map((target) => {
      const { organizationId, tenantId, runId } = parent;
      const payload = JOBS.collect.payload.parse({ organizationId, tenantId, connectionId: target.id, runId });
      return {
        name: 'collect',
        queueName: JOBS.collect.queue,
        data: payload,
        opts: {
          ...options('collect', jobId.collect(payload)),
          priority: collectPriority(parent.trigger, target.expectedMs),
          ignoreDependencyOnFailure: true,
        },
      };
    });
    const id = jobId.assess(parent);
    await flows.add({
      name: 'assess',
      queueName: JOBS.assess.queue,
      data: parent,
      opts: options('assess', id),
      children,
    });
    return id;
  } finally {
    await flows.close();
  }
}

export interface Schedule {
  /** Every N milliseconds, or a cron pattern with its time zone. Default: every 6 hours. */
  everyMs?: number;
  cron?: { pattern: string; tz: string };
}

export const DEFAULT_INTERVAL_MS = 6 * 3600 * 1000;

/**
 * Creates a tenant's schedule, or replaces it when its timing changed; an unchanged one is left alone, so that
 * every worker start can sync schedules without moving the next tick. Each tick is a `tick` job on the assess queue.
 */
export async function upsertTenantSchedule(
  jobs: JobsConnection,
  target: Pick<Payload<'assess'>, 'organizationId' | 'tenantId'>,
  schedule: Schedule = {},
): Promise<string> {
  const queue = new Queue(JOBS.assess.queue, {
    connection: jobs.connection,
    ...(jobs.prefix ? { prefix: jobs.prefix } : {}),
  });
  try {
    const id = jobId.schedule(target.tenantId);
    const every = schedule.everyMs ?? DEFAULT_INTERVAL_MS;
    const existing = await queue.getJobScheduler(id);
    const same = schedule.cron
      ? existing?.pattern === schedule.cron.pattern && existing?.tz === schedule.cron.tz
      : existing?.every === every && !existing?.pattern;
    if (existing && same) return id;
    // An interval schedule would fire at once; the first tick waits one interval (assess-now covers "at once").
    const repeat: RepeatOptions = schedule.cron
      ? { pattern: schedule.cron.pattern, tz: schedule.cron.tz }
      : { every, startDate: new Date(Date.now() + every) };
    const data = JOBS.tick.payload.parse(target);
    await queue.upsertJobScheduler(id, repeat, { name: 'tick', data, opts: options('tick') });
    return id;
  } finally {
    await queue.close();
  }
}

export async function removeTenantSchedule(jobs: JobsConnection, tenantId: string): Promise<boolean> {
  const queue = new Queue(JOBS.assess.queue, {
    connection: jobs.connection,
    ...(jobs.prefix ? { prefix: jobs.prefix } : {}),
  });
  try {
    return await queue.removeJobScheduler(jobId.schedule(tenantId));
  } finally {
    await queue.close();
  }
}

/** Exports a tenant's pack now; the id is deterministic per minute, so the same request twice adds one job. */
export async function enqueueExport(jobs: JobsConnection, target: Payload<'export'>, at: Date): Promise<string> {
  const queue = new Queue(JOBS.export.queue, {
    connection: jobs.connection,
    ...(jobs.prefix ? { prefix: jobs.prefix } : {}),
  });
  try {
    const data = JOBS.export.payload.parse(target);
    const id = jobId.export(data.tenantId, at);
    await queue.add('export', data, options('export', id));
    return id;
  } finally {
    await queue.close();
  }
}

/** Creates or replaces a tenant's evidence-pack schedule, e.g. `0 6 1 * *` in `Europe/London`: monthly on the 1st. */
export async function upsertExportSchedule(
  jobs: JobsConnection,
  target: Payload<'export'>,
  cron: { pattern: string; tz: string },
): Promise<string> {
  const queue = new Queue(JOBS.export.queue, {
    connection: jobs.connection,
    ...(jobs.prefix ? { prefix: jobs.prefix } : {}),
  });
  try {
    const id = jobId.exportSchedule(target.tenantId);
    const existing = await queue.getJobScheduler(id);
    if (existing?.pattern === cron.pattern && existing?.tz === cron.tz) return id;
    const data = JOBS.export.payload.parse(target);
    await queue.upsertJobScheduler(
      id,
      { pattern: cron.pattern, tz: cron.tz },
      { name: 'export', data, opts: options('export') },
    );
    return id;
  } finally {
    await queue.close();
  }
}

/** The tenant's evidence-pack schedule in force, or null when it has none. */
export async function getExportSchedule(
  jobs: JobsConnection,
  tenantId: string,
): Promise<{ pattern: string; tz: string } | null> {
  const queue = new Queue(JOBS.export.queue, {
    connection: jobs.connection,
    ...(jobs.prefix ? { prefix: jobs.prefix } : {}),
  });
  try {
    const existing = await queue.getJobScheduler(jobId.exportSchedule(tenantId));
    return existing?.pattern ? { pattern: existing.pattern, tz: existing.tz ?? 'UTC' } : null;
  } finally {
    await queue.close();
  }
}

export async function removeExportSchedule(jobs: JobsConnection, tenantId: string): Promise<boolean> {
  const queue = new Queue(JOBS.export.queue, {
    connection: jobs.connection,
    ...(jobs.prefix ? { prefix: jobs.prefix } : {}),
  });
  try {
    return await queue.removeJobScheduler(jobId.exportSchedule(tenantId));
  } finally {
    await queue.close();
  }
}

/**
 * Enqueues the delivery of alert outbox rows, once each: the job id is the row's, so the caller after a commit, the
 * sweeper and a retried assessment may all enqueue the same row and it is added once.
 */
export async function enqueueAlertDeliveries(
  jobs: JobsConnection,
  organizationId: Payload<'deliver-alert'>['organizationId'],
  rows: readonly { id: string; round: number }[],
  retry: { attempts: number; backoffMs: number } = JOBS['deliver-alert'],
): Promise<void> {
  if (rows.length === 0) return;
  const queue = new Queue(JOBS['deliver-alert'].queue, {
    connection: jobs.connection,
    ...(jobs.prefix ? { prefix: jobs.prefix } : {}),
  });
  try {
    await queue.addBulk(
      rows.map((r) => ({
        name: 'deliver-alert',
        data: JOBS['deliver-alert'].payload.parse({ organizationId, outboxId: r.id }),
        opts: {
          ...options('deliver-alert', jobId.deliverAlert(r.id, r.round)),
          attempts: retry.attempts,
          backoff: { type: 'exponential', delay: retry.backoffMs },
        },
      })),
    );
  } finally {
    await queue.close();
  }
}
