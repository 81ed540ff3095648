import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { newId, type RunId } from '@evident/core';
import { createDatabase, createStore, generateSecretKey, migrate, type Store } from '@evident/db';
import { openRun, waitForRun } from '@evident/pipeline';
import { Redis } from 'ioredis';
import { APPS, bundle } from '../../scripts/build.mjs';
import { cpuMs } from './cpu.ts';
import { makeRow, type Row } from './report.ts';
import { startRemoteSimulators } from './sims.ts';
import { type PortfolioSize, portfolio, portfolioBoundMs } from './world.ts';

const WORKER = fileURLToPath(new URL('../dist/worker.js', import.meta.url));
const REDIS_URL = 'redis://127.0.0.1:6379';
/** The worker's defaults (apps/worker/src/env.ts): collections at once per process, connections per tenant. */
const COLLECT_CONCURRENCY = 4;
const CONNECTIONS_PER_TENANT = 3;

/** The worker compiled as `scripts/build.mjs` compiles it for the image. */
export async function compileWorker(): Promise<void> {
  const app = fileURLToPath(new URL('../../apps/worker/', import.meta.url));
  await bundle({ contents: APPS.worker!.contents, resolveDir: app, outfile: WORKER });
}

/** The machine's busy and total CPU time so far, from /proc/stat (every core, every process); null where there is none. */
async function machineCpu(): Promise<{ busy: number; total: number } | null> {
  try {
    const line = (await readFile('/proc/stat', 'utf8')).split('\n')[0]!;
    const ticks = line.trim().split(/\s+/).slice(1).map(Number);
    const total = ticks.reduce((a, b) => a + b, 0);
    // idle and iowait are the 4th and 5th columns.
    return { busy: total - ticks[3]! - (ticks[4] ?? 0), total };
  } catch {
    return null;
  }
}

const sum = (xs: (number | null)[]) => xs.reduce<number>((a, x) => a + (x ?? 0), 0);

export interface ScaleoutRun {
  processes: number;
  tenants: number;
  wallMs: number;
  boundMs: number;
  /** CPU time of each worker process, of the simulators' process, and of the database's backends for this run. */
  workerCpuMs: (number | null)[];
  simulatorCpuMs: number | null;
  databaseCpuMs: number;
  /** Share of the whole machine's CPU that was busy during the sweep (this run's processes and anything else). */
  machineBusy: number | null;
  /** Requests the simulators answered with a throttle. */
  throttled: number;
  requests: number;
  /** Per run, ms from the sweep's start: when its first collection started, its last finished, the run finished. */
  timeline: { firstCollect: number; lastCollect: number; finished: number }[];
}

function startWorkerProcess(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, [WORKER], {
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`a worker did not start: ${out.slice(-2000)}`)), 60_000);
    const seen = (d: Buffer) => {
      out += String(d);
      if (!out.includes('worker started')) return;
      clearTimeout(timer);
      child.stdout!.removeListener('data', seen);
      child.stdout!.resume();
      resolve(child);
    };
    child.stdout!.on('data', seen);
    child.stderr!.on('data', (d) => {
      out += String(d);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`a worker exited with ${code}: ${out.slice(-2000)}`));
    });
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
}

/** The tenants of the portfolio, each with its simulated connections, in a fresh store. */
async function seed(store: Store, tenants: { name: string }[], connectionsOf: (t: string) => unknown[]) {
  const org = newId('org');
  await store.createOrganization(org, { name: 'Scale-out MSP' });
  const ids = [];
  for (const t of tenants) {
    const tenant = await store.createTenant(org, { name: t.name, kind: 'customer' });
    for (const c of connectionsOf(t.name) as Parameters<Store['createConnection']>[1][])
      await store.createConnection(org, { ...c, tenantId: tenant.id });
    ids.push(tenant.id);
  }
  return { org, tenants: ids };
}

/**
 * One sweep of the portfolio through `processes` compiled worker processes sharing Redis and PostgreSQL: every
 * tenant's run opened and enqueued as a scheduled tick does, timed until the last run has finished.
 */
export async function scaleout(
  size: PortfolioSize,
  processes: number,
  throttleScale: number,
  postgres: string,
): Promise<ScaleoutRun> {
  const dbName = `evident_scaleout_${process.pid}_${randomUUID().slice(0, 8)}`;
  const prefix = `evident-bench-${randomUUID()}`;
  const admin = await createDatabase({ url: postgres });
  if (admin.driver !== 'pg') throw new Error('the scale-out needs a PostgreSQL server');
  const dir = await mkdtemp(join(tmpdir(), 'evident-scaleout-'));
  await admin.pool.query(`CREATE DATABASE ${dbName}`);
  const url = postgres.replace(/\/[^/]*$/, `/${dbName}`);
  const database = await createDatabase({ url });
  const producer = new Redis(REDIS_URL);
  const sims = await startRemoteSimulators(portfolio(size), throttleScale);
  const workers: ChildProcess[] = [];
  try {
    await migrate(database);
    const key = { id: 'bench', key: generateSecretKey() };
    const store = createStore(database, { secrets: { current: key } });
    const { org, tenants } = await seed(store, sims.scenario.tenants, (t) => sims.connections(t));
    const env = {
      DATABASE_URL: url,
      REDIS_URL,
      EVIDENT_SECRET_KEY_ID: key.id,
      EVIDENT_SECRET_KEY: key.key,
      EVIDENT_QUEUE_PREFIX: prefix,
      EVIDENT_ALLOWED_ENDPOINTS: sims.allowedEndpoints,
      EVIDENT_AUDIT_ANCHOR_FILE: join(dir, 'anchors.jsonl'),
      EVIDENT_EXPORTS_DIR: join(dir, 'exports'),
      WORKER_COLLECT_CONCURRENCY: String(COLLECT_CONCURRENCY),
      LOG_LEVEL: 'info',
    };
    workers.push(...(await Promise.all(Array.from({ length: processes }, () => startWorkerProcess(env)))));
    const before = await Promise.all([...workers.map((w) => cpuMs(w.pid)), cpuMs(sims.pid)]);
    const machineBefore = await machineCpu();
    const jobs = { connection: producer, prefix };
    const started = performance.now();
    const runs: RunId[] = [];
    for (const tenantId of tenants)
      runs.push((await openRun(store, jobs, { organizationId: org, tenantId, trigger: 'schedule' })).id);
    const finished = [];
    for (const id of runs) {
      const run = await waitForRun(store, org, id, { timeoutMs: 30 * 60_000, intervalMs: 50 });
      if (run.status !== 'succeeded') throw new Error(`run ${id} ended ${run.status}`);
      finished.push(run);
    }
    const wallMs = performance.now() - started;
    const t0 = Date.now() - wallMs;
    const at = (iso: string | null) => (iso ? Date.parse(iso) - t0 : Number.NaN);
    const timeline = [];
    for (const run of finished) {
      const collections = await store.listCollections(org, run.id);
      timeline.push({
        firstCollect: Math.min(...collections.map((c) => at(c.startedAt))),
        lastCollect: Math.max(...collections.map((c) => at(c.finishedAt))),
        finished: at(run.finishedAt),
      });
    }
    const backends = await admin.pool.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [
      dbName,
    ]);
    const after = await Promise.all([...workers.map((w) => cpuMs(w.pid)), cpuMs(sims.pid)]);
    const used = after.map((a, i) => (a === null || before[i] === null ? null : a - before[i]!));
    const machineAfter = await machineCpu();
    const accounting = await sims.accounting();
    const inFlight = (processes * COLLECT_CONCURRENCY) / CONNECTIONS_PER_TENANT;
    return {
      processes,
      tenants: tenants.length,
      wallMs,
      boundMs: portfolioBoundMs(sims.scenario, throttleScale, inFlight),
      workerCpuMs: used.slice(0, processes),
      simulatorCpuMs: used[processes] ?? null,
      databaseCpuMs: sum(await Promise.all(backends.rows.map((r) => cpuMs(r.pid)))),
      machineBusy:
        machineBefore && machineAfter
          ? (machineAfter.busy - machineBefore.busy) / (machineAfter.total - machineBefore.total)
          : null,
      throttled: accounting.throttled,
      requests: sum(accounting.requests.map((r) => r.requests)),
      timeline,
    };
  } finally {
    await Promise.all(workers.map(stop));
    await sims.close();
    const keys = await producer.keys(`${prefix}:*`);
    if (keys.length > 0) await producer.del(...keys);
    await producer.quit();
    await database.close();
    await admin.pool.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * What held a sweep back, from where its time went: the cores (the machine busy near its capacity, by this run or
 * by anything else on it), the providers' throttles, or neither (waiting on the database and the queue).
 */
export function limitOf(r: ScaleoutRun, cores = cpus().length): string {
  const busy = (sum(r.workerCpuMs) + (r.simulatorCpuMs ?? 0) + r.databaseCpuMs) / r.wallMs;
  const machine = r.machineBusy === null ? '' : `, machine ${(r.machineBusy * 100).toFixed(0)} % busy`;
  if (busy >= 0.8 * cores || (r.machineBusy ?? 0) >= 0.9)
    return `cores (this run kept ${busy.toFixed(2)} of ${cores} busy${machine})`;
  if (r.wallMs <= 1.3 * r.boundMs) return 'throttles (at the bound)';
  return `neither cores (this run kept ${busy.toFixed(2)} of ${cores} busy${machine}) nor throttles: queue and database waits`;
}

export function scaleoutRows(runs: ScaleoutRun[], throttleScale: number): Row[] {
  const one = runs.find((r) => r.processes === 1);
  return runs.map((r) => {
    const perProcess = r.tenants / (r.wallMs / 1000) / r.processes;
    const cpu = r.workerCpuMs.map((ms) => (ms === null ? '?' : `${((ms / r.wallMs) * 100).toFixed(0)} %`));
    const speedup = one ? ` speed-up ${(one.wallMs / r.wallMs).toFixed(2)}×;` : '';
    return makeRow({
      benchmark: 'scale-out',
      case: `${r.tenants} tenants, ${r.processes} worker process${r.processes > 1 ? 'es' : ''}`,
      samples: [r.wallMs / 1000],
      unit: 's',
      bound: r.boundMs / 1000,
      boundLabel: `throttle + request-chain bound, ${r.processes * COLLECT_CONCURRENCY} collections at once, scale ${throttleScale}`,
      target: null,
      note:
        `${perProcess.toFixed(2)} tenants/s per process;${speedup} worker CPU ${cpu.join(', ')} of a core;` +
        ` simulators ${(((r.simulatorCpuMs ?? 0) / r.wallMs) * 100).toFixed(0)} %, database ${((r.databaseCpuMs / r.wallMs) * 100).toFixed(0)} %;` +
        ` ${r.throttled} of ${r.requests} requests throttled; limit: ${limitOf(r)}`,
    });
  });
}
