import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { alertsBench } from '../alerts.ts';
import { importBench } from '../import.ts';
import { requestsInFlight } from './assess.ts';
import { type DashboardPlan, dashboard } from './dashboard.ts';
import { evaluatorRow, factLines } from './evaluator.ts';
import { exportBench } from './export.ts';
import { compileChild, type HugeRun, hugeRows, hugeTenant, workerHeapMb } from './huge.ts';
import { economy, type SweepResult, sweep, sweepRow } from './portfolio.ts';
import { markdown, type Report, type Row, report } from './report.ts';
import { compileWorker, type ScaleoutRun, scaleout, scaleoutRows } from './scaleout.ts';
import type { PortfolioSize } from './world.ts';

export type Mode = 'smoke' | 'quick' | 'full';

/** The scale-out's store server when none is given (its workers are separate processes: no embedded store). */
const LOOPBACK_POSTGRES = 'postgres://postgres@127.0.0.1:5432/postgres';

interface Plan {
  portfolio: PortfolioSize;
  concurrency: number[];
  /** Shrinks Graph's throttle windows so a sweep takes minutes, not hours; bounds use the same scale. */
  sweepScale: number;
  huge: { users: number; reference: number; scale: number; deadlineMs: number };
  evaluator: { users: number; minMs: number };
  /** Runs of each figure; the table shows their median and spread. */
  repeats: number;
  dashboard: DashboardPlan;
  /** A sweep through separate compiled worker processes sharing Redis and PostgreSQL, at each process count. */
  scaleout: { portfolio: PortfolioSize; processes: number[] };
}

const PLANS: Record<Mode, Plan> = {
  smoke: {
    portfolio: { tenants: 2, users: [60, 120], members: [10, 20] },
    concurrency: [1, 2],
    sweepScale: 0.01,
    huge: { users: 3_000, reference: 300, scale: 0.01, deadlineMs: 60_000 },
    evaluator: { users: 300, minMs: 100 },
    repeats: 1,
    dashboard: { size: { tenants: 3, days: 3, hugeSubjects: 500 }, warmup: 1, calls: 3, repeats: 1, browserRepeats: 1 },
    scaleout: { portfolio: { tenants: 2, users: [60, 120], members: [10, 20] }, processes: [1, 2] },
  },
  quick: {
    portfolio: { tenants: 20, users: [500, 5_000], members: [50, 500] },
    concurrency: [1, 2],
    sweepScale: 0.1,
    huge: { users: 300_000, reference: 30_000, scale: 0.01, deadlineMs: 240_000 },
    evaluator: { users: 20_000, minMs: 1_000 },
    repeats: 3,
    dashboard: {
      size: { tenants: 1_000, days: 90, hugeSubjects: 300_000 },
      warmup: 20,
      calls: 100,
      repeats: 3,
      browserRepeats: 5,
    },
    scaleout: { portfolio: { tenants: 40, users: [500, 5_000], members: [50, 500] }, processes: [1, 2, 4] },
  },
  full: {
    portfolio: { tenants: 200, users: [500, 5_000], members: [50, 500] },
    concurrency: [1, 2],
    sweepScale: 0.1,
    huge: { users: 300_000, reference: 30_000, scale: 0.01, deadlineMs: 600_000 },
    evaluator: { users: 50_000, minMs: 5_000 },
    repeats: 1,
    dashboard: {
      size: { tenants: 1_000, days: 90, hugeSubjects: 300_000 },
      warmup: 50,
      calls: 300,
      repeats: 1,
      browserRepeats: 5,
    },
    scaleout: { portfolio: { tenants: 200, users: [500, 5_000], members: [50, 500] }, processes: [1, 2, 4] },
  },
};

export interface BenchOptions {
  mode: Mode;
  /** Where `latest.json` (and with `save`, the dated copy) go. */
  outDir: string;
  save?: boolean;
  /** PostgreSQL server for the huge tenant's store; without it the child embeds PGlite (about 800 MB of RSS alone). */
  postgres?: string;
  log?: (line: string) => void;
  /** Run only these benchmarks (`--only dashboard`); all when unset. */
  only?: readonly Benchmark[];
}

export const BENCHMARKS = [
  'sweep',
  'scaleout',
  'huge',
  'evaluator',
  'export',
  'dashboard',
  'alerts',
  'import',
] as const;
export type Benchmark = (typeof BENCHMARKS)[number];

/** One file per saved run, named by when it started: `2026-12-02T02-20.json`. */
export const savedName = (startedAt: string) => `${startedAt.slice(0, 16).replace(':', '-')}.json`;

/** `run` n times, one after another. */
async function times<T>(n: number, run: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(await run(i));
  return out;
}

/** Runs every benchmark of a mode, writes the results and returns them with their markdown table. */
export async function runBench(opts: BenchOptions): Promise<{ report: Report; table: string }> {
  const plan = PLANS[opts.mode];
  const started = new Date();
  const say = opts.log ?? (() => {});
  const log = (l: string) => say(`[${((Date.now() - started.getTime()) / 1000).toFixed(1)} s] ${l}`);
  const rows: Row[] = [];
  const details: Record<string, unknown> = {};
  const want = (b: Benchmark) => !opts.only || opts.only.includes(b);
  // Each sweep after the first takes its order from the one before, as a worker that has swept before does.
  let earlier: SweepResult | undefined;
  for (const c of want('sweep') ? plan.concurrency : []) {
    const runs: SweepResult[] = await times(plan.repeats, async (i) => {
      log(`portfolio sweep: ${plan.portfolio.tenants} tenants at concurrency ${c} (run ${i + 1}/${plan.repeats})…`);
      earlier = await sweep(plan.portfolio, c, plan.sweepScale, earlier);
      return earlier;
    });
    rows.push(sweepRow(runs, plan.sweepScale));
    if (c === 1) {
      const e = economy(runs);
      details.economy = e.tenants;
      rows.push(e.row);
    }
  }
  if (want('scaleout')) {
    await compileWorker();
    const out: ScaleoutRun[] = [];
    for (const n of plan.scaleout.processes) {
      log(`scale-out: ${plan.scaleout.portfolio.tenants} tenants through ${n} worker process(es)…`);
      out.push(await scaleout(plan.scaleout.portfolio, n, plan.sweepScale, opts.postgres ?? LOOPBACK_POSTGRES));
    }
    details.scaleout = out;
    rows.push(...scaleoutRows(out, plan.sweepScale));
  }
  if (want('huge')) await hugeBench();
  async function hugeBench() {
    await compileChild();
    const heapMb = await workerHeapMb();
    const huge = (users: number, heap?: number) =>
      times<HugeRun>(plan.repeats, (i) => {
        log(`huge tenant: ${users} users${heap ? `, heap limit ${heap} MB` : ''} (run ${i + 1}/${plan.repeats})…`);
        return hugeTenant(users, plan.huge.scale, plan.huge.deadlineMs, opts.postgres, heap);
      });
    const runs = {
      small: await huge(plan.huge.reference),
      big: await huge(plan.huge.users),
      bigCapped: await huge(plan.huge.users, heapMb),
    };
    details.huge = runs;
    rows.push(...hugeRows(runs, plan.huge.scale));
  }
  if (want('alerts')) rows.push(...(await alertsBench(opts.mode, log)));
  if (want('evaluator')) {
    log(`evaluator: facts of a ${plan.evaluator.users}-user tenant…`);
    rows.push(evaluatorRow(await factLines(plan.evaluator.users), plan.evaluator.minMs, plan.repeats));
  }
  if (want('export')) {
    const packs = await exportBench(opts.mode, opts.postgres, plan.repeats, log);
    details.export = packs.runs;
    rows.push(...packs.rows);
  }
  if (want('import')) rows.push(await importBench(opts.mode === 'smoke' ? 20 : 1_000, plan.repeats, log));
  if (want('dashboard')) {
    const dash = await dashboard(opts.postgres ?? LOOPBACK_POSTGRES, plan.dashboard, log);
    rows.push(...dash.rows);
    details.dashboard = { seedMs: dash.seedMs, p95: dash.p95, initial: dash.initial };
  }

  const result = report.parse({
    mode: opts.mode,
    startedAt: started.toISOString(),
    durationMs: Date.now() - started.getTime(),
    machine: { cpus: cpus().length, node: process.version, platform: process.platform },
    settings: {
      latency: '40 ms ± 20 ms on every simulator',
      sweepThrottleScale: plan.sweepScale,
      hugeThrottleScale: plan.huge.scale,
      workers:
        'sweep: in-process concurrency (tenants assessed at once); scale-out: compiled worker processes sharing Redis and PostgreSQL; simulators in their own compiled process',
      requestsInFlightPerConnection: requestsInFlight(),
      repeats: plan.repeats,
      hugeChild: 'compiled JavaScript (esbuild bundle), no TypeScript loader',
      portfolio: plan.portfolio,
      store: opts.postgres ? 'PostgreSQL (loopback)' : 'embedded PGlite',
    },
    rows,
    details,
  });
  await mkdir(opts.outDir, { recursive: true });
  const json = `${JSON.stringify(result, null, 2)}\n`;
  await writeFile(join(opts.outDir, 'latest.json'), json);
  if (opts.save) await writeFile(join(opts.outDir, savedName(result.startedAt)), json);
  return { report: result, table: markdown(result.rows) };
}
