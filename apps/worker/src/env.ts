import { secretKeyList } from '@evident/db';
import { storageEnvShape } from '@evident/evidence';
import { z } from 'zod';

const positiveInt = z.coerce.number().int().positive();

const schema = z.object({
  REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
  DATABASE_URL: z.string().min(1),
  EVIDENT_SECRET_KEY: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes, base64-encoded'),
  EVIDENT_SECRET_KEY_ID: z.string().min(1).default('k1'),
  /** Earlier keys, `id:key,id:key`: secrets sealed with them still open until `evident rotate-secrets` re-seals. */
  EVIDENT_SECRET_KEYS_PREVIOUS: secretKeyList.optional(),
  EVIDENT_QUEUE_PREFIX: z.string().min(1).default('evident'),
  /** host:port list a connection's endpoints may be pointed at (simulators); unset, none. */
  EVIDENT_ALLOWED_ENDPOINTS: z.string().optional(),
  /** Assessments evaluated at once by this process. */
  WORKER_ASSESS_CONCURRENCY: positiveInt.default(2),
  /** Collections run at once by this process. */
  WORKER_COLLECT_CONCURRENCY: positiveInt.default(4),
  /** Requests in flight per connection, whatever the provider; unset, each connector's own (Google Cloud 8, others 4). */
  WORKER_CONNECTION_CONCURRENCY: positiveInt.optional(),
  /** A collect job's lock: how soon a dead worker's collection is taken up by another. */
  WORKER_LOCK_DURATION_MS: positiveInt.default(60_000),
  /** A run still running this long after it started has its jobs enqueued again (a no-op if they are queued). */
  WORKER_RUN_REQUEUE_AFTER_MS: positiveInt.default(300_000),
  /** A run still running this long after it started is failed with the reason (its jobs never ran or were lost). */
  WORKER_RUN_DEADLINE_MS: positiveInt.default(7_200_000),
  /** How long a shutdown waits for in-flight jobs before releasing them. */
  WORKER_SHUTDOWN_DEADLINE_MS: positiveInt.default(25_000),
  /** Database connections this process keeps at most. */
  DATABASE_POOL_SIZE: positiveInt.default(10),
  /** How long a query waits for a free connection before failing. */
  DATABASE_ACQUIRE_TIMEOUT_MS: positiveInt.default(10_000),
  /** The server ends a session idle inside a transaction this long. */
  DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: positiveInt.default(60_000),
  /** The append-only file each organization's audit chain head is anchored to after it verifies. */
  EVIDENT_AUDIT_ANCHOR_FILE: z.string().min(1).default('./.evident/audit-anchors.jsonl'),
  /** How often the audit chains are verified and anchored; a broken one raises an alert on the dashboard. */
  WORKER_AUDIT_VERIFY_INTERVAL_MS: positiveInt.default(900_000),
  ...storageEnvShape,
  /** Packs kept per tenant at least, and the age past which older ones are deleted (unset: kept for ever). */
  EVIDENT_EXPORTS_KEEP_LAST: positiveInt.default(12),
  EVIDENT_EXPORTS_MAX_AGE_DAYS: positiveInt.optional(),
  /** Announces each new pack: POSTed with an HMAC-SHA256 of the body under the secret. */
  EVIDENT_EXPORT_WEBHOOK_URL: z.string().url().optional(),
  EVIDENT_EXPORT_WEBHOOK_SECRET: z.string().min(16).optional(),
  /** Where browsers reach the dashboard: alert links point there. Unset, this worker delivers no alerts. */
  PUBLIC_ORIGIN: z.url({ protocol: /^https?$/ }).optional(),
  /** Alert deliveries sent at once by this process. */
  WORKER_ALERT_CONCURRENCY: positiveInt.default(4),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type WorkerEnv = z.infer<typeof refined>;

const refined = schema.refine(
  (e) => (e.EVIDENT_EXPORT_WEBHOOK_URL === undefined) === (e.EVIDENT_EXPORT_WEBHOOK_SECRET === undefined),
  {
    message: 'EVIDENT_EXPORT_WEBHOOK_URL and EVIDENT_EXPORT_WEBHOOK_SECRET go together',
    path: ['EVIDENT_EXPORT_WEBHOOK_SECRET'],
  },
);

/** The only place that reads the environment. */
export function readEnv(source: Record<string, string | undefined> = process.env): WorkerEnv {
  return refined.parse(source);
}
