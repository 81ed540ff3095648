import { readFileSync } from 'node:fs';
import { secretKeyList } from '@evident/db';
import { storageEnvShape } from '@evident/evidence';
import { z } from 'zod';
import { trustProxySetting } from './trust-proxy.ts';

const positiveInt = z.coerce.number().int().positive();
const flag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  /** Where browsers reach the server, e.g. https://evident.example.com: the origin mutations must come from. */
  PUBLIC_ORIGIN: z.url().optional(),
  /** Behind proxies: how many hops (e.g. 1, the ingress) or which proxy addresses/CIDRs to believe; unset, none. */
  TRUST_PROXY: trustProxySetting.optional(),
  /** The bearer token a metrics scraper sends; unset, /metrics answers 404. */
  METRICS_TOKEN: z.union([z.literal('').transform(() => undefined), z.string().min(16)]).optional(),
  /** argon2 hashes computed at once, and sign-ins that may wait for one; more are refused until one ends. */
  PASSWORD_HASHES_AT_ONCE: positiveInt.default(2),
  PASSWORD_HASHES_WAITING: z.coerce.number().int().min(0).default(32),
  REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
  DATABASE_URL: z.string().min(1),
  EVIDENT_SECRET_KEY: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes, base64-encoded'),
  EVIDENT_SECRET_KEY_ID: z.string().min(1).default('k1'),
  /** Earlier keys, `id:key,id:key`: TOTP secrets sealed and audit entries signed with them still open and verify. */
  EVIDENT_SECRET_KEYS_PREVIOUS: secretKeyList.optional(),
  EVIDENT_QUEUE_PREFIX: z.string().min(1).default('evident'),
  /** host:port list a connection's endpoints may be pointed at (simulators); unset, none. */
  EVIDENT_ALLOWED_ENDPOINTS: z.string().optional(),
  /**
   * A PEM file of certificates trusted, besides the system's, on the way to Sign in with Microsoft's identity
   * platform: a TLS-inspecting proxy's CA, or a simulator's. Read once at boot.
   */
  EVIDENT_SSO_CA_FILE: z
    .string()
    .min(1)
    .transform((path, ctx) => {
      const pem = readPem(path);
      if (pem) return pem;
      ctx.addIssue({ code: 'custom', message: `${path} is not a readable PEM file of certificates` });
      return z.NEVER;
    })
    .optional(),
  /** Whether anyone may create an organization by signing up. */
  EVIDENT_ALLOW_SIGN_UP: flag.default(true),
  SESSION_IDLE_MS: positiveInt.default(30 * 60_000),
  SESSION_ABSOLUTE_MS: positiveInt.default(12 * 3_600_000),
  /** Requests per minute per address, and for sign-in procedures. */
  RATE_LIMIT_PER_MINUTE: positiveInt.default(600),
  AUTH_RATE_LIMIT_PER_MINUTE: positiveInt.default(30),
  /** The worker's evidence-pack storage: the dashboard lists and serves packs from it. */
  ...storageEnvShape,
  SHUTDOWN_DEADLINE_MS: positiveInt.default(10_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

function readPem(path: string): string | null {
  try {
    const text = readFileSync(path, 'utf8');
    return text.includes('-----BEGIN CERTIFICATE-----') ? text : null;
  } catch {
    return null;
  }
}

export type ServerEnv = z.infer<typeof schema>;

/** The only place that reads the environment. */
export function readEnv(source: Record<string, string | undefined> = process.env): ServerEnv {
  return schema.parse(source);
}
