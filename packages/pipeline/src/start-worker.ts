import { createLimiter, type EgressPolicy, type LimiterOptions, NO_OVERRIDES } from '@evident/connector-kit';
import type { Provider } from '@evident/core';
import type { Database, Store } from '@evident/db';
import { JOBS, type JobName } from '@evident/jobs';
import { type Job, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { type AlertSweepOptions, startAlertSweeper } from './alert-sweeper.ts';
import { type AuditWatchOptions, startAuditWatch } from './audit-watch.ts';
import { type ConnectorRegistry, DEFAULT_CONNECTORS } from './connectors.ts';
import type { WorkerDeps } from './deps.ts';
import { DEFAULT_FIRST_RUN_SPREAD, type FirstRunSpread } from './import-queue.ts';
import { createLogger } from './logger.ts';
import { processJob } from './process-job.ts';
import { type ReaperOptions, startReaper } from './reaper.ts';
import { startScheduleSync } from './schedules.ts';
import { WATCH_DEFAULTS, type WatchOptions } from './watch-budget.ts';
import { startWatchScheduler } from './watch-scheduler.ts';

export type RedisRole = 'worker' | 'producer';

export interface StartWorkerOptions {
  store: Store;
  /** The store's database: the reaper looks for stale runs across organizations. */
  database: Database;
  /** A URL, or a factory: worker connections need `maxRetriesPerRequest: null`, producers should fail fast. */
  redis: string | ((role: RedisRole) => Redis);
  /** Queue key prefix (default `evident`). */
  prefix?: string;
  connectors?: Partial<ConnectorRegistry>;
  logger?: Logger;
  concurrency?: {
    assess?: number;
    collect?: number;
    /** Each collection gets a limiter of its own: its connector's `limits`, with these settings over them. */
    connectors?: Partial<Record<Provider, LimiterOptions>>;
  };
  now?: () => Date;
  /** How long a collect job's lock lasts without renewal: how soon a dead worker's job is taken up elsewhere. */
  lockDurationMs?: number;
  /** Where connections' endpoint overrides may point (EVIDENT_ALLOWED_ENDPOINTS); by default nowhere. */
  egress?: EgressPolicy;
  /** How many imported tenants start their first assessment together, and how far apart the groups are. */
  firstRuns?: FirstRunSpread;
  /** Throttled collections are retried later this many times at most, this long apart. */
  throttle?: { maxDeferrals?: number; deferMs?: number };
  /** Runs left `running` (enqueueing failed, jobs lost) are enqueued again, then failed past a deadline. */
  reaper?: ReaperOptions;
  /** Every organization's audit chain verified and its head anchored to a file on a schedule; breaks alerted. */
  auditWatch?: AuditWatchOptions;
  /** Every tenant's assessment schedule applied from the database now and then (as the dashboard sets it). */
  schedules?: { intervalMs?: number };
  /** Evidence-pack storage, retention and webhook; with it this process also takes export jobs. */
  exports?: WorkerDeps['exports'];
  /**
   * Change watchers: each connection whose connector has `watch` gets a repeat on the `watch` queue, read within a
   * request budget, and a change queues a debounced re-assessment. `false`: this process neither takes watch jobs
   * nor keeps the repeats.
   */
  watch?: (Partial<WatchOptions> & { concurrency?: number }) | false;
  /** With it this process also delivers alerts, and sweeps for pending outbox rows whose job was lost. */
  alerts?: {
    publicOrigin: string;
    concurrency?: number;
    sweep?: AlertSweepOptions;
    /** Attempts and the first backoff of each delivery; the catalog's (6, from 5 s doubling) by default. */
    retry?: { attempts: number; backoffMs: number };
  };
}

export interface RunningWorker {
  /** Stops taking work, waits for in-flight jobs until the deadline, then releases them, and closes Redis. */
  close(deadlineMs?: number): Promise<void>;
}

const connect = (redis: StartWorkerOptions['redis'], role: RedisRole): Redis =>
  typeof redis === 'function' ? redis(role) : new Redis(redis, role === 'worker' ? { maxRetriesPerRequest: null } : {});

/** Runs the `assess` and `collect` workers in this process, e.g. beside the web server in `evident up`. */
export async function startWorker(options: StartWorkerOptions): Promise<RunningWorker> {
  const logger = options.logger ?? createLogger();
  const prefix = options.prefix ?? 'evident';
  const producer = connect(options.redis, 'producer');
  // BullMQ reports its own connections' errors as worker errors; without a listener ioredis prints to stderr.
  producer.on('error', (err) => logger.warn({ err }, 'redis producer error'));
  const connectors = { ...DEFAULT_CONNECTORS, ...options.connectors };
  const limits = options.concurrency?.connectors ?? {};
  const watchOptions = options.watch === false ? undefined : options.watch;
  const deps: WorkerDeps = {
    store: options.store,
    jobs: { connection: producer, prefix },
    connectors,
    limits,
    limiterFor: (kind) => createLimiter({ ...connectors[kind].limits, ...limits[kind] }),
    watch: { ...WATCH_DEFAULTS, ...watchOptions },
    egress: options.egress ?? NO_OVERRIDES,
    now: options.now ?? (() => new Date()),
    throttle: { maxDeferrals: options.throttle?.maxDeferrals ?? 3, deferMs: options.throttle?.deferMs ?? 60_000 },
    firstRuns: options.firstRuns ?? DEFAULT_FIRST_RUN_SPREAD,
    ...(options.exports ? { exports: options.exports } : {}),
    ...(options.alerts
      ? {
          alerts: {
            publicOrigin: options.alerts.publicOrigin,
            ...(options.alerts.retry ? { retry: options.alerts.retry } : {}),
          },
        }
      : {}),
  };
  const connections: Redis[] = [producer];
  const processor = (job: Job, token?: string, signal?: AbortSignal) => processJob(deps, logger, job, token, signal);
  const start = (queue: string, concurrency: number, lockDuration?: number) => {
    const connection = connect(options.redis, 'worker');
    connections.push(connection);
    const worker = new Worker(queue, processor, {
      connection,
      prefix,
      concurrency,
      // A dead worker's job is found by another worker's stalled check, so both run at the same pace.
      ...(lockDuration ? { lockDuration, stalledInterval: lockDuration } : {}),
    });
    worker.on('failed', (job, error) => {
      const level = error instanceof UnrecoverableError ? 'warn' : 'error';
      logger[level]({ jobId: job?.id, job: job?.name as JobName | undefined, err: error }, 'job failed');
    });
    worker.on('error', (error) => logger.error({ err: error, queue }, 'worker error'));
    return worker;
  };
  const workers = [
    start(JOBS.assess.queue, options.concurrency?.assess ?? 2),
    start(JOBS.collect.queue, options.concurrency?.collect ?? 4, options.lockDurationMs ?? 60_000),
    start(JOBS.import.queue, 1),
    ...(options.watch === false ? [] : [start(JOBS.watch.queue, watchOptions?.concurrency ?? 4)]),
    ...(options.exports ? [start(JOBS.export.queue, 1)] : []),
    ...(options.alerts ? [start(JOBS['deliver-alert'].queue, options.alerts.concurrency ?? 4)] : []),
  ];
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  const reaper = startReaper(deps, options.database, logger, options.reaper);
  const watch =
    options.auditWatch &&
    startAuditWatch(options.store, options.database, logger, {
      ...options.auditWatch,
      jobs: deps.jobs,
      ...(deps.alerts?.retry ? { retry: deps.alerts.retry } : {}),
    });
  const alertSweep = options.alerts && startAlertSweeper(deps, options.database, logger, options.alerts.sweep ?? {});
  const scheduleSync =
    options.schedules &&
    startScheduleSync(options.store, options.database, deps.jobs, logger, options.schedules.intervalMs);
  const watchSync = options.watch === false ? undefined : startWatchScheduler(deps, options.database, logger);
  logger.info({ prefix, queues: workers.map((w) => w.name) }, 'worker started');

  let closing: Promise<void> | undefined;
  return {
    close(deadlineMs = 25_000) {
      closing ??= (async () => {
        const sweep = Promise.all([
          reaper.stop(),
          watch?.stop(),
          alertSweep?.stop(),
          scheduleSync?.stop(),
          watchSync?.stop(),
        ]);
        const timer = setTimeout(() => {
          logger.warn({ deadlineMs }, 'shutdown deadline passed; releasing in-flight jobs');
          for (const w of workers) w.cancelAllJobs('shutdown');
        }, deadlineMs);
        try {
          await Promise.all(workers.map((w) => w.close()));
        } finally {
          clearTimeout(timer);
        }
        await Promise.all(connections.map((c) => c.quit().catch(() => c.disconnect())));
        await sweep;
        logger.info('worker stopped');
      })();
      return closing;
    },
  };
}
