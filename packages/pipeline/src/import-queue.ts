import type { OrganizationId, RunId, TenantId } from '@evident/core';
import { DEFAULT_INTERVAL_MS, JOBS, type JobsConnection, jobId, type Payload } from '@evident/jobs';
import { Queue } from 'bullmq';
import { runIdFor } from './runs.ts';

/** How many first assessments start together, and how far apart the groups are. */
export interface FirstRunSpread {
  perWindow: number;
  windowMs: number;
}

/**
 * Graph and GitHub throttle per app across every customer it reaches, so a hundred first assessments at once would
 * spend the account's budget on retries: they start a group per window instead.
 */
export const DEFAULT_FIRST_RUN_SPREAD: FirstRunSpread = { perWindow: 20, windowMs: 60_000 };

const REMOVE = { removeOnComplete: { age: 7 * 24 * 3600, count: 10_000 }, removeOnFail: { age: 30 * 24 * 3600 } };

const queueFor = (jobs: JobsConnection, name: string) =>
  new Queue(name, { connection: jobs.connection, ...(jobs.prefix ? { prefix: jobs.prefix } : {}) });

/** Enqueues an import's job; its id is the import's, so enqueuing it twice adds it once. */
export async function enqueueImport(jobs: JobsConnection, payload: Payload<'import'>): Promise<string> {
  const queue = queueFor(jobs, JOBS.import.queue);
  try {
    const data = JOBS.import.payload.parse(payload);
    const id = jobId.import(data.importId);
    await queue.add('import', data, {
      jobId: id,
      attempts: JOBS.import.attempts,
      backoff: { type: 'exponential', delay: JOBS.import.backoffMs },
      ...REMOVE,
    });
    return id;
  } finally {
    await queue.close();
  }
}

/** The run an imported tenant's first assessment opens, once its tick is taken. */
export const firstRunId = (tenantId: TenantId): RunId => runIdFor(jobId.firstRun(tenantId));

/** Where a new tenant's first assessment falls: its group's window, counted from the import's first group. */
export const firstRunDelay = (index: number, spread: FirstRunSpread) =>
  Math.floor(index / Math.max(1, spread.perWindow)) * spread.windowMs;

/**
 * Gives each imported tenant the default assessment schedule, as `evident up`'s schedule sync gives every tenant:
 * a job scheduler ticking every default interval. Each starts one interval after its first assessment (`delays`),
 * so the tenants an import created keep the first runs' spread instead of all falling due together. Scheduler ids
 * are per tenant, so scheduling a tenant again replaces its own.
 */
export async function scheduleImported(
  jobs: JobsConnection,
  org: OrganizationId,
  tenants: readonly { tenantId: TenantId; delayMs: number }[],
  now = Date.now(),
): Promise<void> {
  if (tenants.length === 0) return;
  const queue = queueFor(jobs, JOBS.assess.queue);
  try {
    await Promise.all(
      tenants.map(({ tenantId, delayMs }) =>
        queue.upsertJobScheduler(
          jobId.schedule(tenantId),
          { every: DEFAULT_INTERVAL_MS, startDate: new Date(now + delayMs + DEFAULT_INTERVAL_MS) },
          {
            name: 'tick',
            data: JOBS.tick.payload.parse({ organizationId: org, tenantId }),
            opts: {
              attempts: JOBS.tick.attempts,
              backoff: { type: 'exponential', delay: JOBS.tick.backoffMs },
              ...REMOVE,
            },
          },
        ),
      ),
    );
  } finally {
    await queue.close();
  }
}

/**
 * Queues each tenant's first assessment as a `tick` delayed into its window, in order. Ids are per tenant, so a
 * resumed import queues again only what is missing.
 */
export async function queueFirstRuns(
  jobs: JobsConnection,
  org: OrganizationId,
  tenants: readonly TenantId[],
  spread: FirstRunSpread,
): Promise<void> {
  if (tenants.length === 0) return;
  const queue = queueFor(jobs, JOBS.tick.queue);
  try {
    await queue.addBulk(
      tenants.map((tenantId, i) => ({
        name: 'tick',
        data: JOBS.tick.payload.parse({ organizationId: org, tenantId }),
        opts: {
          jobId: jobId.firstRun(tenantId),
          delay: firstRunDelay(i, spread),
          attempts: JOBS.tick.attempts,
          backoff: { type: 'exponential', delay: JOBS.tick.backoffMs },
          ...REMOVE,
        },
      })),
    );
  } finally {
    await queue.close();
  }
}
