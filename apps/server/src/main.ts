import { storageSettingsFromEnv } from '@evident/evidence';
import { startServer } from '@evident/http';
import { createLogger } from '@evident/pipeline';
import { readEnv } from './env.ts';

const env = readEnv();
const logger = createLogger({ level: env.LOG_LEVEL });

let server: Awaited<ReturnType<typeof startServer>>;
try {
  server = await startServer(
    {
      port: env.PORT,
      host: env.HOST,
      publicOrigin: env.PUBLIC_ORIGIN,
      trustProxy: env.TRUST_PROXY,
      redisUrl: env.REDIS_URL,
      databaseUrl: env.DATABASE_URL,
      secretKey: { id: env.EVIDENT_SECRET_KEY_ID, key: env.EVIDENT_SECRET_KEY },
      previousKeys: env.EVIDENT_SECRET_KEYS_PREVIOUS ?? [],
      allowedEndpoints: env.EVIDENT_ALLOWED_ENDPOINTS,
      queuePrefix: env.EVIDENT_QUEUE_PREFIX,
      allowSignUp: env.EVIDENT_ALLOW_SIGN_UP,
      sessions: { idleMs: env.SESSION_IDLE_MS, absoluteMs: env.SESSION_ABSOLUTE_MS },
      rateLimit: { perMinute: env.RATE_LIMIT_PER_MINUTE, authPerMinute: env.AUTH_RATE_LIMIT_PER_MINUTE },
      logLevel: env.LOG_LEVEL,
      exports: storageSettingsFromEnv(env),
    },
    { logger },
  );
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
