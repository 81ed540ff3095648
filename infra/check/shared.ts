import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (the Docker build context). */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export const MIGRATE = ['node', 'apps/cli/bin/evident.js', 'migrate', '--runtime-user', 'evident_worker'];

/** Official images only, each pinned to a major version (`redis:7`, `postgres:17-bookworm`, `node:24-bookworm-slim`). */
const OFFICIAL = /^(redis|postgres|node):(\d+)(?:\.\d+)*(?:-[a-z0-9.-]+)?$/;
/** MinIO's own images, which have no major versions: pinned to a release (`minio/minio:RELEASE.2024-10-29T16-01-48Z`). */
const MINIO = /^(minio\/minio|minio\/mc):RELEASE\.(\d{4})-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z$/;

export interface EnvSchema {
  file: string;
  names: Set<string>;
  required: Set<string>;
  defaults: Map<string, string>;
}

/** Comments out, so a commented-out variable is not read as one. */
const uncomment = (text: string) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');

/** The variable names of an app's zod env schema, read as text from `apps/<app>/src/env.ts`. */
export function readEnvSchema(app: string): EnvSchema | undefined {
  const file = `apps/${app}/src/env.ts`;
  if (!existsSync(join(ROOT, file))) return undefined;
  const text = uncomment(readFileSync(join(ROOT, file), 'utf8'));
  const open = text.indexOf('z.object({');
  const close = text.indexOf('\n});', open);
  if (open < 0 || close < 0) throw new Error(`${file}: no z.object({ … }) schema found`);
  const schema: EnvSchema = { file, names: new Set(), required: new Set(), defaults: new Map() };
  const body = text.slice(open + 'z.object({'.length, close);
  readShape(body, schema);
  for (const [, name] of body.matchAll(/^\s*\.\.\.([A-Za-z]\w*),?$/gm))
    readShape(sharedShape(text, name!, file), schema);
  return schema;
}

function readShape(body: string, schema: EnvSchema): void {
  for (const part of body.split(/^\s+(?=[A-Z][A-Z0-9_]*:)/m)) {
    const m = /^([A-Z][A-Z0-9_]*):([\s\S]*)$/.exec(part.trim());
    if (!m) continue;
    const [, name, expr] = m as unknown as [string, string, string];
    schema.names.add(name);
    const dflt = /\.default\(\s*([^)]*?)\s*\)/.exec(expr);
    if (dflt) schema.defaults.set(name, dflt[1]!.replace(/^['"]|['"]$/g, '').replace(/_/g, ''));
    else if (!/\.optional\(\)/.test(expr)) schema.required.add(name);
  }
}

/** A shape spread into an app's schema (`...storageEnvShape`), found in the workspace package it is imported from. */
function sharedShape(appText: string, name: string, file: string): string {
  const from = new RegExp(`import \\{[^}]*\\b${name}\\b[^}]*\\} from '@evident/([a-z-]+)'`).exec(appText)?.[1];
  if (!from) throw new Error(`${file}: ...${name} is not imported from a workspace package`);
  const src = join(ROOT, 'packages', from, 'src');
  const files = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter(
    (f) => f.endsWith('.ts') && !f.endsWith('.test.ts'),
  );
  for (const f of files) {
    const text = uncomment(readFileSync(join(src, f), 'utf8'));
    const open = text.indexOf(`export const ${name} = {`);
    if (open < 0) continue;
    return text.slice(text.indexOf('{', open) + 1, text.indexOf('\n};', open));
  }
  throw new Error(`${file}: ${name} is not exported as an object from @evident/${from}`);
}

/** `major` is the release year for MinIO's images. */
export function officialImage(image: string): { name: string; major: number } | undefined {
  const m = OFFICIAL.exec(image) ?? MINIO.exec(image);
  return m ? { name: m[1]!, major: Number(m[2]) } : undefined;
}

/** Names whose values must come from a secret store, never a literal. */
export function isSecretName(name: string): boolean {
  return /(KEY|PASSWORD|SECRET|TOKEN)$/.test(name);
}

/**
 * Checks a process of the image: its command is `node apps/<app>/bin/<script>.js …` (exec form), the script exists,
 * every variable it is given is in the app's env schema and every required one is given.
 */
export function checkAppProcess(where: string, command: unknown, env: ReadonlyMap<string, unknown>): string[] {
  if (!Array.isArray(command) || !command.every((c) => typeof c === 'string'))
    return [`${where}: command must be an exec-form list of strings`];
  const [node, script] = command as string[];
  const m = /^apps\/([a-z0-9-]+)\/bin\/[a-z0-9-]+\.js$/.exec(script ?? '');
  if (node !== 'node' || !m) return [`${where}: command must be \`node apps/<app>/bin/<script>.js …\``];
  if (!existsSync(join(ROOT, script!))) return [`${where}: ${script} does not exist`];
  const schema = readEnvSchema(m[1]!);
  if (!schema) return [`${where}: apps/${m[1]}/src/env.ts does not exist, so its variables cannot be checked`];
  const problems: string[] = [];
  for (const name of env.keys())
    if (!schema.names.has(name)) problems.push(`${where}: ${name} is not in the schema of ${schema.file}`);
  for (const name of schema.required)
    if (!env.has(name)) problems.push(`${where}: ${name} is required by ${schema.file} but not provided`);
  return problems;
}

/** The worker's shutdown deadline as configured, else the schema's default. */
export function shutdownDeadlineMs(value: unknown): number {
  const fallback = readEnvSchema('worker')?.defaults.get('WORKER_SHUTDOWN_DEADLINE_MS');
  return Number(value ?? fallback);
}

/** Whether the server exists decides whether infra must run it: nothing is skipped silently either way. */
export function checkServerPresence(where: string, commands: unknown[]): string[] {
  const runsServer = commands.some((c) => Array.isArray(c) && c.some((p) => String(p).startsWith('apps/server/')));
  const exists = existsSync(join(ROOT, 'apps/server/package.json'));
  if (exists && !runsServer) return [`${where}: apps/server exists but nothing runs it`];
  if (!exists && runsServer) return [`${where}: runs apps/server, which does not exist`];
  return [];
}
