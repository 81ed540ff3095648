import { exception, InvalidInputError, type Issue, PROVIDERS } from '@evident/core';
import { connectorFor } from '@evident/pipeline/connectors';
import { z } from 'zod';
import { environment } from '../env.ts';
import { readJsonFile } from '../options.ts';

const connectionEntry = z.object({
  kind: z.enum(PROVIDERS),
  name: z.string().min(1),
  config: z.record(z.string(), z.unknown()).default({}),
  secret: z.record(z.string(), z.unknown()).default({}),
});

export const assessFile = z.object({
  tenant: z.string().min(1),
  connections: z.array(connectionEntry).min(1),
  exceptions: z.array(exception).default([]),
  params: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
});

export interface ResolvedConnection {
  kind: z.infer<typeof connectionEntry>['kind'];
  name: string;
  config: unknown;
  secret: unknown;
}

export interface AssessConfig {
  tenant: string;
  connections: ResolvedConnection[];
  exceptions: z.infer<typeof exception>[];
  params: Record<string, Record<string, unknown>>;
}

function pathOf(parts: readonly PropertyKey[]): string {
  return parts.reduce<string>(
    (s, p) => (typeof p === 'number' ? `${s}[${p}]` : s ? `${s}.${String(p)}` : String(p)),
    '',
  );
}

/** Any value `{ "env": "VAR" }` inside a secret is replaced by that environment variable. */
function resolveSecret(
  value: unknown,
  env: Record<string, string | undefined>,
  path: string,
  issues: Issue[],
): unknown {
  if (Array.isArray(value)) return value.map((v, i) => resolveSecret(v, env, `${path}[${i}]`, issues));
  if (value && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 1 && entries[0]![0] === 'env' && typeof entries[0]![1] === 'string') {
      const name = entries[0]![1];
      const found = env[name];
      if (found === undefined) issues.push({ path, message: `environment variable ${name} is not set` });
      return found;
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, resolveSecret(v, env, `${path}.${k}`, issues)]));
  }
  return value;
}

/** Reads an assessment config file named on the command line, secrets resolved from the environment. */
export async function loadAssessConfig(path: string): Promise<AssessConfig> {
  return parseAssessConfig(await readJsonFile('--config', path, z.unknown()), environment());
}

/** Parses an assessment config, validating each connection with its connector's own schemas. */
export function parseAssessConfig(raw: unknown, env: Record<string, string | undefined>): AssessConfig {
  const top = assessFile.safeParse(raw);
  if (!top.success) {
    const issues = top.error.issues.map((i) => ({ path: pathOf(i.path) || '(root)', message: i.message }));
    throw new InvalidInputError('the config file is not valid', issues);
  }
  const issues: Issue[] = [];
  const names = new Set<string>();
  const connections = top.data.connections.map((c, i): ResolvedConnection => {
    const at = `connections[${i}]`;
    if (names.has(c.name)) issues.push({ path: `${at}.name`, message: `"${c.name}" is used by another connection` });
    names.add(c.name);
    const connector = connectorFor(c.kind);
    const config = connector.config.safeParse(c.config);
    if (!config.success) {
      for (const issue of config.error.issues)
        issues.push({ path: `${at}.config.${pathOf(issue.path)}`, message: issue.message });
    }
    const secret = connector.secret.safeParse(resolveSecret(c.secret, env, `${at}.secret`, issues));
    if (!secret.success) {
      for (const issue of secret.error.issues)
        issues.push({ path: `${at}.secret.${pathOf(issue.path)}`, message: issue.message });
    }
    return { kind: c.kind, name: c.name, config: config.data, secret: secret.data };
  });
  if (issues.length > 0) throw new InvalidInputError('the config file is not valid', issues);
  return { ...top.data, connections };
}
