import { egressPolicy } from '@evident/connector-kit';
import { createDatabase, createStore } from '@evident/db';
import { createLogger, startWorker } from '@evident/pipeline';
import { readEnv } from './env.ts';
import { exportsFrom } from './exports.ts';
import { createShutdown } from './shutdown.ts';

const env = readEnv();

/** One concurrency for every provider when the deployment sets one; otherwise each connector's own limits. */
function connectionLimits(concurrency: number | undefined) {
  if (concurrency === undefined) return {};
  return {
    entra: { concurrency },
    github: { concurrency },
    'gcp-logging': { concurrency },
    'google-workspace': { concurrency },
    aws: { concurrency },
  };
}
const logger = createLogger({ level: env.LOG_LEVEL });
const shutdown = createShutdown(logger);

try {
  const database = await createDatabase({
    url: env.DATABASE_URL,
    maxConnections: env.DATABASE_POOL_SIZE,
    acquireTimeoutMs: env.DATABASE_ACQUIRE_TIMEOUT_MS,
    idleInTransactionTimeoutMs: env.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS,
    onPoolError: (err) => logger.warn({ err }, 'database connection lost'),
  });
  const store = createStore(database, {
    secrets: {
      current: { id: env.EVIDENT_SECRET_KEY_ID, key: env.EVIDENT_SECRET_KEY },
      previous: env.EVIDENT_SECRET_KEYS_PREVIOUS ?? [],
    },
  });
  const worker = await startWorker({
    store,
    database,
    redis: env.REDIS_URL,
    prefix: env.EVIDENT_QUEUE_PREFIX,
    logger,
    lockDurationMs: env.WORKER_LOCK_DURATION_MS,
    egress: egressPolicy(env.EVIDENT_ALLOWED_ENDPOINTS),
    exports: exportsFrom(env),
    auditWatch: { anchorFile: env.EVIDENT_AUDIT_ANCHOR_FILE, intervalMs: env.WORKER_AUDIT_VERIFY_INTERVAL_MS },
    schedules: {},
    reaper: { requeueAfterMs: env.WORKER_RUN_REQUEUE_AFTER_MS, failAfterMs: env.WORKER_RUN_DEADLINE_MS },
    ...(env.PUBLIC_ORIGIN
      ? { alerts: { publicOrigin: env.PUBLIC_ORIGIN, concurrency: env.WORKER_ALERT_CONCURRENCY } }
      : {}),
    concurrency: {
      assess: env.WORKER_ASSESS_CONCURRENCY,
      collect: env.WORKER_COLLECT_CONCURRENCY,
      connectors: connectionLimits(env.WORKER_CONNECTION_CONCURRENCY),
    },
  });
  if (!env.PUBLIC_ORIGIN) logger.warn('PUBLIC_ORIGIN is unset: this worker delivers no alerts');
  shutdown.add('workers', () => worker.close(env.WORKER_SHUTDOWN_DEADLINE_MS));
  shutdown.add('database', () => database.close());
} catch (err) {
  logger.fatal({ err }, 'the worker could not start');
  await shutdown.run('start failed');
  process.exit(1);
}

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void shutdown.run(signal).then(() => process.exit(0));
  });
}
