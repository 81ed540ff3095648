import { secretKeyList } from '@evident/db';
import { z } from 'zod';

const schema = z.object({
  REDIS_URL: z.url().optional(),
  DATABASE_URL: z.string().min(1).optional(),
  EVIDENT_SECRET_KEY: z.string().min(1).optional(),
  EVIDENT_SECRET_KEY_ID: z.string().min(1).default('k1'),
  /** Earlier keys, `id:key,id:key`, that still open secrets until `evident rotate-secrets` re-seals them. */
  EVIDENT_SECRET_KEYS_PREVIOUS: secretKeyList.optional(),
  EVIDENT_DATA_DIR: z.string().min(1).default('.evident'),
  EVIDENT_QUEUE_PREFIX: z.string().min(1).default('evident'),
  /** host:port list a connection's endpoints may be pointed at (simulators); unset, none. */
  EVIDENT_ALLOWED_ENDPOINTS: z.string().optional(),
  /** The append-only file `evident up` anchors audit chain heads to; by default in the data dir. */
  EVIDENT_AUDIT_ANCHOR_FILE: z.string().min(1).optional(),
  /** Password of the login role `evident migrate --runtime-user` creates. */
  EVIDENT_RUNTIME_PASSWORD: z.string().min(1).optional(),
  /** The port `evident up` serves the API on. */
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
});

export type Env = z.infer<typeof schema>;

/** The CLI's settings from the environment, validated once. */
export function settings(): Env {
  return schema.parse(process.env);
}

/**
 * The whole environment, for assessment configs that name a variable for a secret
 * (`{ "env": "GRAPH_CLIENT_SECRET" }`).
 */
export function environment(): Record<string, string | undefined> {
  return process.env;
}
