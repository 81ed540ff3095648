import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { totpCode } from '@evident/api/testing';
import { type DashboardSize, type Seeded, seedDashboard } from './dashboard-seed.ts';
import { makeRow, type Row } from './report.ts';
import { buildWeb, portfolioRenderMs } from './web.ts';

export type { DashboardSize };

const SERVER_BIN = new URL('../../apps/server/bin/server.js', import.meta.url).pathname;
const TARGET_MS = 50;

export interface ServerHandle {
  url: string;
  close(): Promise<void>;
}

/** `apps/server` as a process of its own on a loopback port the system picks, over the seeded database. */
export async function startServerProcess(seed: Seeded): Promise<ServerHandle> {
  const child: ChildProcess = spawn(process.execPath, [SERVER_BIN], {
    env: {
      PATH: process.env.PATH,
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: seed.url,
      EVIDENT_SECRET_KEY: seed.key.key,
      EVIDENT_SECRET_KEY_ID: seed.key.id,
      EVIDENT_QUEUE_PREFIX: `bench-dash-${process.pid}-${Date.now()}`,
      // One address makes every call of the run; the limits are for the open internet, not this loopback client.
      RATE_LIMIT_PER_MINUTE: '1000000',
      AUTH_RATE_LIMIT_PER_MINUTE: '1000',
      LOG_LEVEL: 'info',
      METADATA_SERVER_DETECTION: 'none',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the server did not listen within 60 s')), 60_000);
    child.once('exit', (code) => reject(new Error(`the server exited with ${code}`)));
    // Keep draining its request log so the pipe never fills.
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(line);
      if (m && line.includes('server listening')) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
  });
  return {
    url,
    close: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Signs in over HTTP as the browser does (password, then TOTP; the CSRF header; the session cookie). */
export async function signIn(url: string, seed: Pick<Seeded, 'email' | 'password' | 'totpSecret'>): Promise<string> {
  let cookie = '';
  const call = async (path: string, input: unknown) => {
    const res = await fetch(`${url}/trpc/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-evident-csrf': '1', ...(cookie ? { cookie } : {}) },
      body: JSON.stringify(input),
    });
    if (!res.ok) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
    const set = res.headers.get('set-cookie');
    if (set) cookie = set.split(';')[0]!;
  };
  await call('auth.signIn', { email: seed.email, password: seed.password });
  await call('auth.verify', { code: await totpCode(seed.totpSecret) });
  if (!cookie) throw new Error('signing in set no session cookie');
  return cookie;
}

export interface Probe {
  case: string;
  path: string;
  input: unknown;
}

/** A GET of one query procedure, as tRPC's client sends it; the body is read whole and checked to be data. */
async function get(url: string, cookie: string, probe: Probe): Promise<number> {
  const started = performance.now();
  const res = await fetch(`${url}/trpc/${probe.path}?input=${encodeURIComponent(JSON.stringify(probe.input))}`, {
    headers: { cookie, 'x-evident-csrf': '1' },
  });
  const body = await res.text();
  const ms = performance.now() - started;
  if (!res.ok || !body.includes('"result"')) throw new Error(`${probe.case}: ${res.status} ${body.slice(0, 300)}`);
  return ms;
}

export const p95 = (samples: readonly number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)]!;
};

/** The dashboard's reads, deep into the huge tenant's evidence included. */
export async function probes(seed: Seeded): Promise<Probe[]> {
  const { tenant, run, controlId } = seed.huge;
  const { rows } = await pool(seed).query(
    `select subject, ord from result_subjects where run_id = $1 and control_id = $2 and kind = 'failing'
     order by subject, ord offset $3 limit 1`,
    [run, controlId, Math.floor(seed.size.hugeSubjects * 0.8)],
  );
  const deep = rows[0] as { subject: string; ord: number };
  const cursor = Buffer.from(JSON.stringify({ key: deep.subject, ord: deep.ord })).toString('base64url');
  const page = { tenantId: tenant, runId: run, controlId, kind: 'failing', limit: 50 };
  return [
    { case: 'portfolio.matrix', path: 'portfolio.matrix', input: {} },
    { case: 'tenant.results', path: 'tenant.results', input: { tenantId: seed.tenant } },
    { case: 'tenant.results, huge tenant', path: 'tenant.results', input: { tenantId: tenant } },
    { case: 'evidence.page, first page', path: 'evidence.page', input: page },
    { case: 'evidence.page, deep page (80 %)', path: 'evidence.page', input: { ...page, cursor } },
    { case: 'evidence.page, search', path: 'evidence.page', input: { ...page, search: 'user1234' } },
  ];
}

function pool(seed: Seeded) {
  if (seed.database.driver !== 'pg') throw new Error('the dashboard bench seeds PostgreSQL');
  return seed.database.pool;
}

export interface DashboardPlan {
  size: DashboardSize;
  /** Calls of each probe before measuring, and measured calls per run. */
  warmup: number;
  calls: number;
  repeats: number;
  /** Page loads of the portfolio in Chromium; the row shows their median. */
  browserRepeats: number;
}

export interface DashboardResult {
  rows: Row[];
  seedMs: number;
  /** Every run's p95 per case, in ms. */
  p95: Record<string, number[]>;
  initial: Array<{ file: string; bytes: number; gzip: number }>;
}

/** Seeds, starts the server and measures each probe's p95 over HTTP: a figure per run, the row shows their median. */
export async function dashboard(
  postgres: string,
  plan: DashboardPlan,
  log: (l: string) => void,
): Promise<DashboardResult> {
  log('dashboard: building the web app…');
  const web = await buildWeb();
  try {
    const kb = web.initial.reduce((a, f) => a + f.gzip, 0) / 1024;
    const size = makeRow({
      benchmark: 'dashboard web',
      case: `initial JS and CSS, gzip (${web.initial.length} files index.html loads)`,
      samples: [kb],
      unit: 'KB',
      bound: BUDGET_KB,
      boundLabel: 'budget',
      target: { op: '<=', value: 1 },
    });
    const rendered: number[] = [];
    let matrixArrived = Number.NaN;
    const server = await dashboardServer(postgres, plan, log, async (url, cookie) => {
      log(`dashboard: the portfolio in Chromium, ${plan.browserRepeats} page loads…`);
      const r = await portfolioRenderMs(url, cookie, web, plan.size.tenants + 1, plan.browserRepeats);
      rendered.push(...r.samples);
      matrixArrived = r.matrixArrived;
    });
    const render = makeRow({
      benchmark: 'dashboard web',
      case: `portfolio of ${plan.size.tenants + 1} tenants rendered in Chromium (navigation to every heat-map row)`,
      samples: rendered,
      unit: 'ms',
      bound: RENDER_MS,
      boundLabel: 'budget',
      target: { op: '<', value: 1 },
      note: `fresh browser context per load, signed in; the matrix's response had arrived at ${Math.round(matrixArrived)} ms (median)`,
    });
    return { ...server, rows: [...server.rows, size, render], initial: web.initial };
  } finally {
    await web.close();
  }
}

const BUDGET_KB = 250;
const RENDER_MS = 1_500;

async function dashboardServer(
  postgres: string,
  plan: DashboardPlan,
  log: (l: string) => void,
  after: (url: string, cookie: string) => Promise<void>,
): Promise<Omit<DashboardResult, 'initial'>> {
  const seedStarted = performance.now();
  log(`dashboard: seeding ${plan.size.tenants} tenants × ${plan.size.days} days, ${plan.size.hugeSubjects} subjects…`);
  const seed = await seedDashboard(postgres, plan.size, new Date());
  const seedMs = performance.now() - seedStarted;
  log(`dashboard: seeded in ${(seedMs / 1000).toFixed(1)} s`);
  try {
    const server = await startServerProcess(seed);
    try {
      const cookie = await signIn(server.url, seed);
      const all = await probes(seed);
      const p95s: Record<string, number[]> = {};
      for (const probe of all) {
        for (let i = 0; i < plan.warmup; i++) await get(server.url, cookie, probe);
        for (let r = 0; r < plan.repeats; r++) {
          const samples: number[] = [];
          for (let i = 0; i < plan.calls; i++) samples.push(await get(server.url, cookie, probe));
          p95s[probe.case] = [...(p95s[probe.case] ?? []), p95(samples)];
        }
        log(`dashboard: ${probe.case} p95 ${p95s[probe.case]!.map((x) => x.toFixed(1)).join(', ')} ms`);
      }
      const rows = all.map((probe) =>
        makeRow({
          benchmark: 'dashboard API',
          case: `${probe.case} p95 (${describe(plan.size, probe)})`,
          samples: p95s[probe.case]!,
          unit: 'ms',
          bound: TARGET_MS,
          boundLabel: 'budget',
          target: { op: '<', value: 1 },
          note: `${plan.calls} calls per run after ${plan.warmup} warm-up calls`,
        }),
      );
      await after(server.url, cookie);
      return { rows, seedMs, p95: p95s };
    } finally {
      await server.close();
    }
  } finally {
    await seed.drop();
  }
}

function describe(size: DashboardSize, probe: Probe): string {
  if (probe.path === 'portfolio.matrix') return `${size.tenants} tenants × ${size.days} days`;
  if (probe.case === 'tenant.results') return `${size.days} days of history`;
  return `${size.hugeSubjects.toLocaleString('en-US')} failing subjects`;
}
