import { storageSettingsFromEnv } from '@evident/evidence';
import type { HttpSettings } from '@evident/http';
import type { ServerEnv } from './env.ts';

/** The server's settings from its parsed environment. */
export function httpSettings(env: ServerEnv): HttpSettings {
  return {
    port: env.PORT,
    host: env.HOST,
    publicOrigin: env.PUBLIC_ORIGIN,
    ...(env.TRUST_PROXY !== undefined ? { trustProxy: env.TRUST_PROXY } : {}),
    ...(env.METRICS_TOKEN ? { metricsToken: env.METRICS_TOKEN } : {}),
    passwordWork: { concurrent: env.PASSWORD_HASHES_AT_ONCE, waiting: env.PASSWORD_HASHES_WAITING },
    redisUrl: env.REDIS_URL,
    databaseUrl: env.DATABASE_URL,
    secretKey: { id: env.EVIDENT_SECRET_KEY_ID, key: env.EVIDENT_SECRET_KEY },
    previousKeys: env.EVIDENT_SECRET_KEYS_PREVIOUS ?? [],
    allowedEndpoints: env.EVIDENT_ALLOWED_ENDPOINTS,
    ...(env.EVIDENT_SSO_CA_FILE ? { ssoCaCert: env.EVIDENT_SSO_CA_FILE } : {}),
    queuePrefix: env.EVIDENT_QUEUE_PREFIX,
    allowSignUp: env.EVIDENT_ALLOW_SIGN_UP,
    sessions: { idleMs: env.SESSION_IDLE_MS, absoluteMs: env.SESSION_ABSOLUTE_MS },
    rateLimit: { perMinute: env.RATE_LIMIT_PER_MINUTE, authPerMinute: env.AUTH_RATE_LIMIT_PER_MINUTE },
    logLevel: env.LOG_LEVEL,
    exports: storageSettingsFromEnv(env),
  };
}
