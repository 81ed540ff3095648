import { createLogger } from '@evident/pipeline';
import { readEnv } from './env.ts';
import { startServer } from './start.ts';

const env = readEnv();
const logger = createLogger({ level: env.LOG_LEVEL });

let server: Awaited<ReturnType<typeof startServer>>;
try {
  server = await startServer(env, { logger });
} catch (err) {
  logger.fatal({ err }, 'the server could not start');
  process.exit(1);
}

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    logger.info({ signal }, 'shutting down: no new requests, finishing those in flight');
    const deadline = setTimeout(() => {
      logger.error('shutdown deadline passed; exiting');
      process.exit(1);
    }, env.SHUTDOWN_DEADLINE_MS);
    void server.close().then(() => {
      clearTimeout(deadline);
      process.exit(0);
    });
  });
}
