import { startServer } from '@evident/http';
import { createLogger } from '@evident/pipeline';
import { readEnv } from './env.ts';
import { httpSettings } from './settings.ts';

const env = readEnv();
const logger = createLogger({ level: env.LOG_LEVEL });

let server: Awaited<ReturnType<typeof startServer>>;
try {
  server = await startServer(httpSettings(env), { logger });
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
