import { createDatabase, createStore } from '@evident/db';
import { createLogger, startWorker } from '@evident/pipeline';
import { readEnv } from './env.ts';
import { createShutdown } from './shutdown.ts';

const env = readEnv();
const logger = createLogger({ level: env.LOG_LEVEL });
const shutdown = createShutdown(logger);

try {
  const database = await createDatabase({
    url: env.DATABASE_URL,
    onPoolError: (err) => logger.warn({ err }, 'database connection lost'),
  });
  const store = createStore(database, {
    secrets: { current: { id: env.EVIDENT_SECRET_KEY_ID, key: env.EVIDENT_SECRET_KEY } },
  });
  const worker = await startWorker({
    store,
    redis: env.REDIS_URL,
    prefix: env.EVIDENT_QUEUE_PREFIX,
    logger,
    lockDurationMs: env.WORKER_LOCK_DURATION_MS,
    concurrency: {
      assess: env.WORKER_ASSESS_CONCURRENCY,
      collect: env.WORKER_COLLECT_CONCURRENCY,
      connectors: {
        entra: { concurrency: env.WORKER_CONNECTION_CONCURRENCY },
        github: { concurrency: env.WORKER_CONNECTION_CONCURRENCY },
        'gcp-logging': { concurrency: env.WORKER_CONNECTION_CONCURRENCY },
      },
    },
  });
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
