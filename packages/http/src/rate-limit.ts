import { isAuthProcedure } from '@evident/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { procedureNames } from './procedures.ts';

export interface RateLimitSettings {
  perMinute: number;
  authPerMinute: number;
  redis?: Redis;
  keyPrefix?: string;
}

const WINDOW_MS = 60_000;
const UNCOUNTED = new Set(['/healthz', '/readyz', '/metrics']);

/** Adds `cost` to the key's count, starting its window on the first hit; answers the count and the window left. */
const INCREMENT = `
local count = redis.call('INCRBY', KEYS[1], ARGV[1])
if count == tonumber(ARGV[1]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]); ttl = tonumber(ARGV[2]) end
return {count, ttl}`;

type Counter = (key: string, cost: number) => Promise<{ count: number; resetMs: number } | null>;

function redisCounter(redis: Redis, prefix: string): Counter {
  return async (key, cost) => {
    try {
      const [count, ttl] = (await redis.eval(INCREMENT, 1, `${prefix}${key}`, cost, WINDOW_MS)) as [number, number];
      return { count, resetMs: ttl };
    } catch {
      return null; // Redis does not answer: the request passes uncounted (the sign-in holds live in the database)
    }
  };
}

function memoryCounter(): Counter {
  const windows = new Map<string, { count: number; resetAt: number }>();
  return async (key, cost) => {
    const now = Date.now();
    if (windows.size > 10_000) for (const [k, w] of windows) if (w.resetAt <= now) windows.delete(k);
    let w = windows.get(key);
    if (!w || w.resetAt <= now) {
      w = { count: 0, resetAt: now + WINDOW_MS };
      windows.set(key, w);
    }
    w.count += cost;
    return { count: w.count, resetMs: w.resetAt - now };
  };
}

/** What a request costs and which budget it draws on: each procedure of a batch counts, sign-in ones apart. */
function budget(req: FastifyRequest, settings: RateLimitSettings) {
  const names = procedureNames(req.url);
  const auth = names.some(isAuthProcedure);
  return {
    key: auth ? `auth:${req.ip}` : req.ip,
    max: auth ? settings.authPerMinute : settings.perMinute,
    cost: Math.max(1, names.length),
  };
}

/**
 * Requests per minute per address, counted in procedures. With Redis the counts are shared by every replica under
 * `keyPrefix`; when it does not answer, requests pass uncounted rather than fail.
 */
export function registerRateLimit(app: FastifyInstance, settings: RateLimitSettings) {
  const count = settings.redis ? redisCounter(settings.redis, settings.keyPrefix ?? 'evident-rate:') : memoryCounter();
  app.addHook('onRequest', async (req, reply) => {
    if (UNCOUNTED.has(req.url)) return;
    const { key, max, cost } = budget(req, settings);
    const counted = await count(key, cost);
    if (!counted) return;
    const reset = Math.max(1, Math.ceil(counted.resetMs / 1000));
    reply.header('x-ratelimit-limit', max);
    reply.header('x-ratelimit-remaining', Math.max(0, max - counted.count));
    reply.header('x-ratelimit-reset', reset);
    if (counted.count <= max) return;
    reply.header('retry-after', reset);
    return reply
      .code(429)
      .send({ statusCode: 429, error: 'Too Many Requests', message: `rate limit exceeded, retry in ${reset} s` });
  });
}
