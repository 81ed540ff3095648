import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import {
  checkAppProcess,
  checkServerPresence,
  isSecretName,
  MIGRATE,
  officialImage,
  ROOT,
  shutdownDeadlineMs,
} from './shared.ts';

const Service = z.looseObject({
  image: z.string().optional(),
  build: z.looseObject({ context: z.string(), dockerfile: z.string(), target: z.string().optional() }).optional(),
  command: z.unknown().optional(),
  environment: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
  depends_on: z.record(z.string(), z.looseObject({ condition: z.string() })).optional(),
  deploy: z.looseObject({ replicas: z.number().int().positive().optional() }).optional(),
  stop_grace_period: z.string().optional(),
  healthcheck: z.looseObject({ test: z.array(z.string()).min(2) }).optional(),
  volumes: z.array(z.string()).optional(),
});
const Compose = z.looseObject({ services: z.record(z.string(), Service) });
type Service = z.infer<typeof Service>;

export interface ComposeContext {
  /** Stage names of the Dockerfile the app services build. */
  stages: string[];
  /** Variable names listed in `.env.example`. */
  exampleVars: Set<string>;
}

export function checkCompose(input: unknown, ctx: ComposeContext): string[] {
  const parsed = Compose.safeParse(input);
  if (!parsed.success) return parsed.error.issues.map((i) => `compose: ${i.path.join('.')}: ${i.message}`);
  const services = parsed.data.services;
  const problems: string[] = [];
  const at = (name: string) => `compose service ${name}`;
  for (const [name, s] of Object.entries(services)) {
    problems.push(...checkImage(at(name), s, ctx.stages));
    const env = new Map(Object.entries(s.environment ?? {}));
    if (s.build) problems.push(...checkAppProcess(at(name), s.command, env));
    for (const [key, value] of env) problems.push(...checkLiteral(at(name), key, String(value), ctx.exampleVars));
  }
  const redis = services.redis;
  const command = JSON.stringify(redis?.command ?? []);
  if (!command.includes('"--maxmemory-policy","noeviction"')) problems.push('compose: redis must run with noeviction');
  if (!command.includes('"--appendonly","yes"')) problems.push('compose: redis must run with appendonly yes');
  for (const data of ['redis', 'postgres']) {
    const s = services[data];
    if (!s?.healthcheck) problems.push(`${at(data)}: needs a healthcheck`);
    if (!s?.volumes?.some((v) => /^[a-z-]+:\//.test(v))) problems.push(`${at(data)}: needs a named volume`);
  }
  if (JSON.stringify(services.migrate?.command) !== JSON.stringify(MIGRATE))
    problems.push(`${at('migrate')}: must run exactly \`${MIGRATE.join(' ')}\``);
  const worker = services.worker;
  if (!worker) return [...problems, 'compose: no worker service'];
  if (worker.depends_on?.migrate?.condition !== 'service_completed_successfully')
    problems.push(`${at('worker')}: must wait for migrate (service_completed_successfully)`);
  if (!worker.deploy?.replicas) problems.push(`${at('worker')}: needs deploy.replicas`);
  const grace = durationMs(worker.stop_grace_period ?? '10s');
  const deadline = shutdownDeadlineMs(worker.environment?.WORKER_SHUTDOWN_DEADLINE_MS ?? undefined);
  if (!(grace > deadline))
    problems.push(`${at('worker')}: stop_grace_period ${grace} ms ≤ shutdown deadline ${deadline} ms`);
  problems.push(...checkPackStorage(services));
  problems.push(
    ...checkServerPresence(
      'compose',
      Object.values(services).map((s) => s.command),
    ),
  );
  return problems;
}

/**
 * The server lists and serves the packs the worker writes: both name the same storage. A bucket on a service of this
 * file is healthy before the apps start, kept on a named volume, and made by a one-shot the apps wait for.
 */
function checkPackStorage(services: Record<string, Service>): string[] {
  const storage = (s: Service | undefined) =>
    Object.entries(s?.environment ?? {})
      .filter(([k]) => k.startsWith('EVIDENT_EXPORTS_'))
      .sort(([a], [b]) => a.localeCompare(b));
  const { worker, server } = services;
  if (!worker || !server) return [];
  const problems: string[] = [];
  if (JSON.stringify(storage(worker)) !== JSON.stringify(storage(server)))
    problems.push('compose: the worker and the server must store evidence packs in the same place (EVIDENT_EXPORTS_*)');
  const endpoint = worker.environment?.EVIDENT_EXPORTS_S3_ENDPOINT;
  const host = typeof endpoint === 'string' ? /^https?:\/\/([^:/]+)/.exec(endpoint)?.[1] : undefined;
  const store = host ? services[host] : undefined;
  if (!host || !store) return problems;
  if (!store.healthcheck) problems.push(`compose service ${host}: needs a healthcheck`);
  if (!store.volumes?.some((v) => /^[a-z-]+:\//.test(v)))
    problems.push(`compose service ${host}: needs a named volume`);
  const setup = Object.entries(services).find(([, s]) => s.depends_on?.[host]?.condition === 'service_healthy')?.[0];
  if (!setup) problems.push(`compose: no one-shot service creates the bucket on ${host} once it is healthy`);
  for (const [name, s] of [
    ['worker', worker],
    ['server', server],
  ] as const)
    if (setup && s.depends_on?.[setup]?.condition !== 'service_completed_successfully')
      problems.push(`compose service ${name}: must wait for ${setup} (service_completed_successfully)`);
  return problems;
}

function checkImage(where: string, s: Service, stages: string[]): string[] {
  if (s.build) {
    const problems: string[] = [];
    if (!existsSync(join(ROOT, s.build.dockerfile))) problems.push(`${where}: ${s.build.dockerfile} does not exist`);
    if (!s.build.target || !stages.includes(s.build.target))
      problems.push(`${where}: build target ${s.build.target} is not a Dockerfile stage`);
    return problems;
  }
  const image = s.image ? officialImage(s.image) : undefined;
  if (!image) return [`${where}: image ${s.image} is neither built here nor an official image with a pinned major`];
  if (image.name === 'redis' && image.major !== 7) return [`${where}: Redis must be 7`];
  if (image.name === 'postgres' && image.major < 15) return [`${where}: PostgreSQL must be 15 or later`];
  return [];
}

/** Secrets only by reference to the user's `.env`, and every referenced variable documented in `.env.example`. */
function checkLiteral(where: string, key: string, value: string, exampleVars: Set<string>): string[] {
  const problems: string[] = [];
  if (isSecretName(key) && !/^\$\{[A-Z][A-Z0-9_]*(?::?[-?][^}]*)?\}$/.test(value))
    problems.push(`${where}: ${key} must be a \${VAR} reference, not a literal`);
  const password = /^[a-z]+:\/\/[^:/@]*:([^@]+)@/.exec(value)?.[1];
  if (password && !password.startsWith('${')) problems.push(`${where}: ${key} has a literal password`);
  for (const [, name] of value.matchAll(/\$\{([A-Z][A-Z0-9_]*)/g))
    if (!exampleVars.has(name!)) problems.push(`${where}: \${${name}} is not documented in .env.example`);
  return problems;
}

function durationMs(text: string): number {
  const units: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };
  const parts = [...text.matchAll(/(\d+)(ms|s|m|h)/g)];
  return parts.length ? parts.reduce((sum, [, n, u]) => sum + Number(n) * units[u!]!, 0) : Number.NaN;
}

/** Variable names in an `.env.example`, commented-out optional ones included. */
export function readExampleVars(file: string): Set<string> {
  const text = readFileSync(file, 'utf8');
  return new Set([...text.matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]!));
}
