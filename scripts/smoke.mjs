#!/usr/bin/env node
// The compiled apps (`npm run build`) under a given Node binary, as the image runs them: `evident up --once`, the
// server `evident up` starts answering /readyz, and the compiled worker taking one assessment. Needs Redis and
// PostgreSQL on loopback, as the tests do. Usage: node scripts/smoke.mjs <node-binary>
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { killAll, start, tail } from './smoke/children.mjs';

const root = new URL('..', import.meta.url).pathname;
const REDIS_URL = 'redis://127.0.0.1:6379';
const SERVER_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
/** The whole smoke, whatever hangs. */
const DEADLINE_MS = 240_000;
const CLI = join(root, 'apps/cli/bin/evident.js');
const WORKER = join(root, 'apps/worker/bin/worker.js');
const BUILT = ['apps/cli/dist/evident.js', 'apps/worker/dist/worker.js', 'apps/web/dist/index.html'];

const say = (line) => console.log(`smoke: ${line}`);
const seconds = (since) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

const nodeArg = process.argv[2];
if (!nodeArg) {
  console.error('usage: node scripts/smoke.mjs <node-binary>');
  process.exit(2);
}
// A path is made absolute (the children run elsewhere); a bare name is looked up on PATH.
const node = nodeArg.includes('/') ? resolve(nodeArg) : nodeArg;
const deadline = setTimeout(() => {
  console.error(`smoke: FAILED, still running after ${DEADLINE_MS / 1000} s`);
  killAll();
  process.exit(1);
}, DEADLINE_MS);

const id = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
const prefix = `evident-smoke-${id}`;
const dir = await mkdtemp(join(tmpdir(), 'evident-smoke-'));
/** As the image runs every process: production, its heap limit, nothing asks a metadata server. */
const baseEnv = {
  PATH: process.env.PATH,
  HOME: dir,
  NODE_ENV: 'production',
  NODE_OPTIONS: '--max-old-space-size=192',
  METADATA_SERVER_DETECTION: 'none',
};
const cleanups = [];
let failed = false;

/** Runs one check; a failure says which, with the output of the process it was about. */
async function check(name, body) {
  const since = Date.now();
  const context = { child: undefined };
  try {
    const detail = await body(context);
    say(`ok  ${name}: ${detail} (${seconds(since)})`);
  } catch (error) {
    failed = true;
    console.error(`smoke: FAILED ${name}: ${error instanceof Error ? error.message : String(error)}`);
    if (context.child) console.error(tail(`${context.child.out}\n${context.child.err}`));
    throw error;
  }
}

/** The portfolio `evident up` prints, as tenant → control → status. */
function portfolio(text) {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const header = lines[0]?.trim().split(/\s+/) ?? [];
  const table = new Map();
  for (const line of lines.slice(1)) {
    const cells = line.trim().split(/\s+/);
    if (cells.length === header.length) table.set(cells[0], new Map(header.slice(1).map((h, i) => [h, cells[i + 1]])));
  }
  return table;
}

function expectCell(table, tenant, control, status) {
  const got = table.get(tenant)?.get(control);
  if (got !== status) throw new Error(`${tenant} ${control} is ${got ?? 'missing'}, expected ${status}`);
}

async function getJson(url) {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  return { status: response.status, body: await response.json() };
}

const upEnv = {
  ...baseEnv,
  EVIDENT_DATA_DIR: join(dir, 'up'),
  REDIS_URL,
  EVIDENT_QUEUE_PREFIX: `${prefix}-up`,
};

async function upOnce(context) {
  const up = start(node, [CLI, 'up', '--once'], { cwd: dir, env: upEnv });
  context.child = up;
  const { code, signal, error } = await up.exit(150_000, 'evident up --once');
  if (error) throw error;
  if (code !== 0) throw new Error(`exited with ${code ?? signal}`);
  if (!/seeded the demo MSP/.test(up.err)) throw new Error('the demo MSP was not seeded');
  if (!/discovered and imported 3 GDAP customers/.test(up.err)) throw new Error('the GDAP customers were not imported');
  const table = portfolio(up.out);
  const tenants = [...table.keys()].sort().join(', ');
  if (tenants !== 'adventureworks, contoso-msp, fabrikam, northwind, tailspin')
    throw new Error(`the portfolio lists ${tenants}`);
  expectCell(table, 'northwind', 'MFA-01', 'pass');
  expectCell(table, 'fabrikam', 'MFA-02', 'FAIL');
  expectCell(table, 'tailspin', 'LOG-04', 'FAIL');
  expectCell(table, 'adventureworks', 'MFA-02', 'FAIL');
  return `5 tenants × ${table.get('northwind').size} controls assessed and printed`;
}

async function upServer(context) {
  const up = start(node, [CLI, 'up'], { cwd: dir, env: { ...upEnv, PORT: '0' } });
  context.child = up;
  const [, url] = await up.waitFor(/server at (http:\/\/\S+)/, 150_000, 'the server of evident up');
  const health = await getJson(new URL('/healthz', url));
  if (health.status !== 200) throw new Error(`/healthz answered ${health.status}`);
  const ready = await getJson(new URL('/readyz', url));
  const checks = Object.entries(ready.body.checks ?? {});
  if (ready.status !== 200 || ready.body.status !== 'ready' || checks.some(([, v]) => v !== 'ok'))
    throw new Error(`/readyz answered ${ready.status} ${JSON.stringify(ready.body)}`);
  const { code, signal } = await up.stop('SIGINT', 30_000);
  if (code !== 0) throw new Error(`after Ctrl-C it exited with ${code ?? signal}`);
  return `/healthz ok, /readyz ready (${checks.map(([k]) => k).join(', ')}), stopped cleanly on SIGINT`;
}

async function admin(statement) {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: SERVER_URL, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** A database of its own, migrated by the compiled CLI, seeded through the store; the worker logs in as production's role. */
async function workerRun(context) {
  const { register } = await import('tsx/esm/api');
  register();
  const { createDatabase, createStore, generateSecretKey } = await import('@evident/db');
  const { assessNow, waitForRun } = await import('@evident/pipeline');
  const { combinePresets, startSimulators } = await import('@evident/simulators');
  const { newId } = await import('@evident/core');
  const { Redis } = await import('ioredis');

  const name = `evident_smoke_${id}`;
  const role = `${name}_worker`;
  await admin(`create database ${name}`);
  cleanups.push(async () => {
    await admin(`drop database if exists ${name} with (force)`);
    await admin(`drop role if exists ${role}`);
  });
  const ownerUrl = SERVER_URL.replace(/\/postgres$/, `/${name}`);
  const migrate = start(node, [CLI, 'migrate', '--runtime-user', role], {
    cwd: dir,
    env: { ...baseEnv, DATABASE_URL: ownerUrl, EVIDENT_RUNTIME_PASSWORD: id },
  });
  context.child = migrate;
  const migrated = await migrate.exit(60_000, 'evident migrate');
  if (migrated.code !== 0) throw new Error(`evident migrate exited with ${migrated.code ?? migrated.signal}`);

  const database = await createDatabase({ url: ownerUrl, maxConnections: 2 });
  cleanups.unshift(() => database.close());
  const key = { id: 'smoke', key: generateSecretKey() };
  const store = createStore(database, { secrets: { current: key } });
  const sims = await startSimulators(combinePresets(['healthy']), { throttleScale: 0.01 });
  cleanups.unshift(() => sims.close());
  const org = newId('org');
  await store.createOrganization(org, { name: 'Smoke MSP' });
  const tenant = await store.createTenant(org, { name: 'northwind', kind: 'customer' });
  for (const c of sims.connections('northwind'))
    await store.createConnection(org, {
      tenantId: tenant.id,
      kind: c.kind,
      name: c.name,
      config: c.config,
      secret: c.secret,
    });

  const worker = start(node, [WORKER], {
    cwd: dir,
    env: {
      ...baseEnv,
      REDIS_URL,
      DATABASE_URL: `postgres://${role}:${id}@127.0.0.1:5432/${name}`,
      EVIDENT_SECRET_KEY_ID: key.id,
      EVIDENT_SECRET_KEY: key.key,
      EVIDENT_QUEUE_PREFIX: prefix,
      EVIDENT_ALLOWED_ENDPOINTS: sims.allowedEndpoints,
      EVIDENT_EXPORTS_DIR: join(dir, 'exports'),
      EVIDENT_AUDIT_ANCHOR_FILE: join(dir, 'audit-anchors.jsonl'),
      WORKER_SHUTDOWN_DEADLINE_MS: '5000',
      LOG_LEVEL: 'info',
    },
  });
  context.child = worker;
  await worker.waitFor(/worker started/, 30_000, 'the worker');
  const producer = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  cleanups.unshift(async () => {
    producer.disconnect();
  });
  const runId = await assessNow(store, { connection: producer, prefix }, org, tenant.id);
  const run = await waitForRun(store, org, runId, { timeoutMs: 90_000 });
  if (run.status !== 'succeeded') throw new Error(`the run ended ${run.status}`);
  const latest = await store.latestResults(org, tenant.id);
  const mfa = latest?.results.find((r) => r.controlId === 'MFA-01');
  if (latest?.run.id !== runId || mfa?.status !== 'pass')
    throw new Error(`the run's MFA-01 is ${mfa?.status ?? 'missing'}, expected pass`);
  const stopped = await worker.stop('SIGTERM', 30_000);
  if (stopped.code !== 0) throw new Error(`after SIGTERM it exited with ${stopped.code ?? stopped.signal}`);
  return `run succeeded with ${latest.results.length} results (MFA-01 pass), stopped cleanly on SIGTERM`;
}

/** What the smoke left in the shared Redis: its queues. */
async function dropQueues() {
  const { Redis } = await import('ioredis');
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await redis.connect();
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}

const since = Date.now();
try {
  const missing = BUILT.filter((f) => !existsSync(join(root, f)));
  if (missing.length > 0) throw new Error(`not built: ${missing.join(', ')} (run npm run build first)`);
  await check('node', async (context) => {
    const version = start(node, ['--version'], { env: baseEnv });
    context.child = version;
    const { code, error } = await version.exit(15_000, `${node} --version`);
    if (error || code !== 0) throw new Error(`${node} does not run: ${error?.message ?? `exit ${code}`}`);
    return `${version.out.trim()} at ${node}`;
  });
  await check('evident up --once', upOnce);
  await check('the server evident up starts', upServer);
  await check('the compiled worker', workerRun);
} catch (error) {
  if (!failed) console.error(`smoke: FAILED ${error instanceof Error ? error.message : String(error)}`);
  failed = true;
} finally {
  killAll();
  for (const cleanup of [...cleanups, dropQueues]) {
    await cleanup().catch((error) => console.error(`smoke: while cleaning up: ${error.message}`));
  }
  await rm(dir, { recursive: true, force: true });
}
clearTimeout(deadline);
say(failed ? `stopped at the first failure after ${seconds(since)}` : `every check ok in ${seconds(since)}`);
process.exit(failed ? 1 : 0);
