import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type ApiDeps,
  DEFAULT_SESSIONS,
  limitPasswordWork,
  type PasswordWorkLimit,
  UnavailableError,
} from '@evident/api';
import { egressPolicy } from '@evident/connector-kit';
import { createDatabase, createStore, type Database } from '@evident/db';
import { packStorage, type StorageSettings } from '@evident/evidence';
import { enqueueAlertDeliveries, JOBS, type JobsConnection, queueReady } from '@evident/jobs';
import { createLogger, DEFAULT_CONNECTORS, enqueueImport } from '@evident/pipeline';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { buildServer } from './app.ts';
import { createAssessments } from './assessments.ts';
import { createMetrics } from './metrics.ts';
import { assertOriginKnown } from './origin.ts';
import { packsFor } from './pack-deps.ts';
import type { TrustProxy } from './trust-proxy.ts';

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

/** What the server needs, from the host's environment (apps/server) or from `evident up`. */
export interface HttpSettings {
  port: number;
  host: string;
  /** Required unless `host` is a loopback address: the origin mutations must come from. */
  publicOrigin?: string;
  /** Proxy hops (or proxy addresses/CIDRs) whose X-Forwarded-For is believed; absent, none. */
  trustProxy?: TrustProxy;
  /** The bearer token of `/metrics`; absent, `/metrics` answers 404. */
  metricsToken?: string;
  /** argon2 computations at once in this process, and how many more may wait; past that, sign-ins are refused. */
  passwordWork?: PasswordWorkLimit;
  redisUrl: string;
  /** Opened when no `database` is handed over. */
  databaseUrl?: string;
  secretKey: { id: string; key: string };
  /** Earlier keys (EVIDENT_SECRET_KEYS_PREVIOUS): secrets sealed and audit entries signed with them still open. */
  previousKeys?: { id: string; key: string }[];
  /** EVIDENT_ALLOWED_ENDPOINTS: host:port list connections may be pointed at besides the providers; unset, none. */
  allowedEndpoints?: string;
  /** EVIDENT_SSO_CA_FILE's certificates (PEM): trusted besides the system's on the way to the identity platform. */
  ssoCaCert?: string;
  queuePrefix: string;
  allowSignUp: boolean;
  sessions?: { idleMs: number; absoluteMs: number };
  rateLimit?: { perMinute: number; authPerMinute: number };
  logLevel?: string;
  /** Where the worker stores evidence packs: listing and downloads read from there. */
  exports?: StorageSettings;
}

export interface StartOptions {
  /** An open database (PGlite admits one process: `evident up` shares its own); otherwise DATABASE_URL is opened. */
  database?: Database;
  /** Overrides of the API's dependencies, for tests (a clock, a connection policy). */
  deps?: Partial<ApiDeps>;
  logger?: ReturnType<typeof createLogger>;
}

const QUEUE_CLOSE_MS = 2_000;
const LIMITER_READY_MS = 2_000;

/**
 * The rate limiter's own Redis connection, shared by every replica. It fails fast: no queue while disconnected, no
 * retries, a short command timeout, so an unreachable Redis costs a request a few milliseconds, never a hang; the
 * limiter then lets the request through uncounted (`skipOnError`), and the connection's errors are logged.
 */
function rateLimitRedis(url: string, logger: ReturnType<typeof createLogger>): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: 250,
    connectTimeout: 2_000,
  });
  redis.on('error', (err) =>
    logger.warn({ err: err.message }, 'rate-limit store unreachable: requests pass uncounted'),
  );
  return redis;
}

/** Opens what the server needs, listens, and returns how to stop it in order: HTTP first, then queues, then the store. */
/** Passkeys are bound to the browser-facing origin: its host is the relying party id. */
const relyingParty = (publicOrigin: string) => ({
  origin: new URL(publicOrigin).origin,
  rpId: new URL(publicOrigin).hostname,
  rpName: 'Evident',
});

export async function startServer(env: HttpSettings, options: StartOptions = {}): Promise<RunningServer> {
  assertOriginKnown(env.host, env.publicOrigin);
  if (env.passwordWork) limitPasswordWork(env.passwordWork);
  const logger = options.logger ?? createLogger({ level: env.logLevel ?? 'info' });
  const database =
    options.database ??
    (await createDatabase({
      url: env.databaseUrl ?? 'memory://',
      onPoolError: (err) => logger.warn({ err }, 'database connection lost'),
    }));
  const store = createStore(database, {
    secrets: { current: env.secretKey, previous: env.previousKeys ?? [] },
  });
  // The producer fails fast: no queue while disconnected, and a command unanswered for 2 s fails, never hangs.
  const redis = new Redis(env.redisUrl, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: 2_000,
  });
  redis.on('error', (err) => logger.warn({ err: err.message }, 'redis unreachable'));
  const limiter = rateLimitRedis(env.redisUrl, logger);
  const jobs: JobsConnection = { connection: redis, prefix: env.queuePrefix };
  const assessments = createAssessments(store, jobs);
  const metrics = createMetrics();
  const queues = Object.values(JOBS)
    .map((j) => j.queue)
    .filter((q, i, all) => all.indexOf(q) === i);
  const depthQueues = queues.map((name) => {
    const queue = new Queue(name, { connection: redis, prefix: jobs.prefix });
    queue.on('error', () => {}); // the shared connection logs its errors once, above
    return queue;
  });
  const events = queues.map((name) => {
    const e = new QueueEvents(name, { connection: { url: env.redisUrl }, prefix: jobs.prefix });
    e.on('error', () => {});
    for (const outcome of ['completed', 'failed'] as const)
      e.on(outcome, async ({ jobId }: { jobId: string }) => {
        const job = await depthQueues[queues.indexOf(name)]!.getJob(jobId).catch(() => undefined);
        if (job?.processedOn && job.finishedOn)
          metrics.observeJob(name, outcome, (job.finishedOn - job.processedOn) / 1000);
      });
    return e;
  });
  const storage = env.exports ? packStorage(env.exports) : undefined;
  const deps: ApiDeps = {
    store,
    connectors: DEFAULT_CONNECTORS,
    assessments,
    imports: {
      enqueue: (organizationId, importId) =>
        queueReady(jobs.connection)
          .then(() => enqueueImport(jobs, { organizationId, importId }))
          .catch((err: unknown) => {
            throw new UnavailableError(
              'the import cannot start right now: the job queue is not answering. Try again in a minute.',
              { cause: err },
            );
          }),
    },
    egress: egressPolicy(env.allowedEndpoints),
    ...(env.ssoCaCert ? { ssoCaCert: env.ssoCaCert } : {}),
    ...(storage ? { packs: packsFor(storage, jobs) } : {}),
    alerts: { enqueue: (org, rows) => enqueueAlertDeliveries(jobs, org, rows) },
    logger,
    allowSignUp: env.allowSignUp,
    sessions: env.sessions ?? DEFAULT_SESSIONS,
    issuer: 'Evident',
    ...(env.publicOrigin ? { webauthn: relyingParty(env.publicOrigin), publicOrigin: env.publicOrigin } : {}),
    now: () => new Date(),
    ...options.deps,
  };
  const app = await buildServer({
    deps,
    logger,
    metrics,
    ...(storage ? { storage } : {}),
    publicOrigin: env.publicOrigin,
    ...(env.trustProxy !== undefined ? { trustProxy: env.trustProxy } : {}),
    ...(env.metricsToken ? { metricsToken: env.metricsToken } : {}),
    rateLimit: {
      ...(env.rateLimit ?? { perMinute: 600, authPerMinute: 30 }),
      redis: limiter,
      keyPrefix: `${env.queuePrefix}:rate:`,
    },
    ready: {
      // A lookup that reaches the database and finds nothing: not found means it answered.
      database: () =>
        store.getOrganization('org_00000000000000000000000000' as never).catch((e: Error) => {
          if ((e as { code?: string }).code !== 'not_found') throw e;
        }),
      redis: () => redis.ping(),
    },
    beforeScrape: async () => {
      for (const q of depthQueues) {
        const counts = await q.getJobCounts(
          'waiting',
          'active',
          'delayed',
          'failed',
          'prioritized',
          'waiting-children',
        );
        for (const [state, n] of Object.entries(counts)) metrics.queueDepth.set({ queue: q.name, state }, n);
      }
    },
  });
  // The first requests are counted too when Redis is there; when it is not, the server starts all the same.
  await Promise.race([
    once(limiter, 'ready').catch(() => undefined),
    sleep(LIMITER_READY_MS, undefined, { ref: false }),
  ]);
  const url = await app.listen({ port: env.port, host: env.host });
  logger.info({ url }, 'server listening');
  return {
    url,
    async close() {
      await app.close();
      // Closing a queue-events reader waits for its connection, which never comes while Redis is down.
      await Promise.race([
        Promise.allSettled([
          assessments.close(),
          ...depthQueues.map((q) => q.close()),
          ...events.map((e) => e.close()),
        ]),
        sleep(QUEUE_CLOSE_MS, undefined, { ref: false }),
      ]);
      redis.disconnect();
      limiter.disconnect();
      if (!options.database) await database.close();
    },
  };
}
