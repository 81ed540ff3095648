import { startEvaluation } from '@evident/controls';
import { collectPriority } from '@evident/jobs';
import type { RequestCount, Scenario } from '@evident/simulators';
import { collect, pool } from './assess.ts';
import { cpuMs } from './cpu.ts';
import { makeRow, type Row } from './report.ts';
import { type RemoteSimulators, startRemoteSimulators } from './sims.ts';
import { neededRequests, type PortfolioSize, portfolio, portfolioBoundMs } from './world.ts';

export interface SweepResult {
  concurrency: number;
  wallMs: number;
  /** CPU time (user + system) of the measuring process over the sweep: near `wallMs`, its one core was the limit. */
  cpuMs: number;
  /** CPU time of the simulators' process over the sweep; null where /proc cannot tell. */
  simulatorsCpuMs: number | null;
  facts: number;
  requests: RequestCount[];
  scenario: Scenario;
  /** How long each connection's collection took, by connection name. */
  took: Map<string, number>;
  /** Whether the tenants went in the queue's order (from an earlier sweep's times) or in the scenario's. */
  ordered: boolean;
}

/** Collects every connection of a tenant into one evaluation; returns the facts seen. */
async function assess(sims: RemoteSimulators, tenant: string, took: Map<string, number>): Promise<number> {
  let facts = 0;
  const evaluation = startEvaluation({ now: new Date() });
  await Promise.all(
    sims.connections(tenant).map(async (c) => {
      const started = performance.now();
      for await (const fact of collect(c, sims.allowedEndpoints)) {
        facts++;
        evaluation.add(fact);
      }
      took.set(c.name, performance.now() - started);
    }),
  );
  evaluation.finish();
  return facts;
}

/**
 * The tenants in the order the worker's queue takes their collections (`collectPriority` of a scheduled run, from
 * how long each connection took in `earlier`): the tenant whose longest collection is longest first.
 */
function queueOrder<T extends { name: string }>(
  tenants: readonly T[],
  sims: RemoteSimulators,
  earlier: Map<string, number>,
) {
  const rank = (t: T) =>
    Math.min(...sims.connections(t.name).map((c) => collectPriority('schedule', earlier.get(c.name) ?? null)));
  return [...tenants].sort((a, b) => rank(a) - rank(b));
}

let warm: Promise<void> | undefined;

/**
 * One small tenant assessed against simulators of its own before the first timed sweep: a worker runs for days, so
 * the sweep measures it warm (modules loaded, code compiled), not the first seconds of a fresh process.
 */
function warmUp(throttleScale: number): Promise<void> {
  warm ??= (async () => {
    const sims = await startRemoteSimulators(
      portfolio({ tenants: 1, users: [50, 50], members: [5, 5] }),
      throttleScale,
    );
    try {
      await assess(sims, sims.scenario.tenants[0]!.name, new Map());
    } finally {
      await sims.close();
    }
  })();
  return warm;
}

/**
 * Assesses every tenant of the portfolio (collect into one evaluation per tenant), `concurrency` tenants at a time.
 * With an earlier sweep's times the tenants go in the worker queue's order, as on a worker that has swept before.
 */
export async function sweep(
  size: PortfolioSize,
  concurrency: number,
  throttleScale: number,
  earlier?: SweepResult,
): Promise<SweepResult> {
  await warmUp(throttleScale);
  const sims = await startRemoteSimulators(portfolio(size), throttleScale);
  try {
    let facts = 0;
    const took = new Map<string, number>();
    const tenants = earlier ? queueOrder(sims.scenario.tenants, sims, earlier.took) : sims.scenario.tenants;
    const simulatorsBefore = await cpuMs(sims.pid);
    const cpu = process.cpuUsage();
    const started = performance.now();
    await pool(tenants, concurrency, async (t) => {
      // Not `facts += await …`: that reads `facts` before the wait, and the other lanes' additions are lost.
      const seen = await assess(sims, t.name, took);
      facts += seen;
    });
    const wallMs = performance.now() - started;
    const used = process.cpuUsage(cpu);
    const simulatorsAfter = await cpuMs(sims.pid);
    return {
      concurrency,
      wallMs,
      cpuMs: (used.user + used.system) / 1000,
      simulatorsCpuMs:
        simulatorsBefore === null || simulatorsAfter === null ? null : simulatorsAfter - simulatorsBefore,
      facts,
      requests: await sims.requests(),
      scenario: sims.scenario,
      took,
      ordered: earlier !== undefined,
    };
  } finally {
    await sims.close();
  }
}

function orderNote(runs: SweepResult[]): string {
  const ordered = runs.filter((x) => x.ordered).length;
  if (ordered === runs.length) return "tenants in the queue's order (longest collection first, from the sweep before)";
  if (ordered === 0) return "tenants in the scenario's order (no sweep before)";
  return `${ordered} of ${runs.length} sweeps in the queue's order (longest collection first), the first in the scenario's`;
}

/** Each run's CPU time per tenant, in ms. */
function cpuPerTenant(runs: SweepResult[], of: (r: SweepResult) => number | null): string {
  const each = runs.map((r) => {
    const ms = of(r);
    return ms === null ? 'unknown' : (ms / r.scenario.tenants.length).toFixed(0);
  });
  return `${each.join(', ')} ms`;
}

/** One row for repeated sweeps of the same portfolio at one concurrency. */
export function sweepRow(runs: SweepResult[], throttleScale: number): Row {
  const r = runs[0]!;
  const bound = portfolioBoundMs(r.scenario, throttleScale, r.concurrency);
  return makeRow({
    benchmark: 'portfolio sweep',
    case: `${r.scenario.tenants.length} tenants, concurrency ${r.concurrency}`,
    samples: runs.map((x) => x.wallMs / 1000),
    unit: 's',
    bound: bound / 1000,
    boundLabel: `throttle + request-chain bound at scale ${throttleScale}`,
    target: { op: '<=', value: 1.3 },
    note: `${r.facts} facts; ${orderNote(runs)}; the measuring process used ${runs.map((x) => `${((x.cpuMs / x.wallMs) * 100).toFixed(0)} %`).join(', ')} of a core; CPU per tenant: collecting and evaluating ${cpuPerTenant(runs, (x) => x.cpuMs)}, simulators ${cpuPerTenant(runs, (x) => x.simulatorsCpuMs)}`,
  });
}

export interface EconomyDetail {
  tenant: string;
  made: number;
  needed: number;
  excess: Record<string, { made: number; needed: number }>;
}

/**
 * Requests made per tenant (the simulators' accounting) against the requests its data needs, per sweep; throws when
 * any endpoint saw fewer than its data needs.
 */
export function economy(runs: SweepResult[]): { row: Row; tenants: EconomyDetail[] } {
  const all = runs.map(perTenant);
  const short = all
    .flat()
    .flatMap((t) =>
      Object.entries(t.excess).flatMap(([key, x]) =>
        x.made < x.needed ? [`${t.tenant} ${key}: ${x.made} of ${x.needed}`] : [],
      ),
    );
  // Fewer requests than the data needs is not economy: a connector left part of the world unread.
  if (short.length > 0)
    throw new Error(`the simulators answered fewer requests than the data needs: ${short.slice(0, 5).join('; ')}`);
  const tenants = all[0]!;
  const mean = (ts: EconomyDetail[], k: 'made' | 'needed') => ts.reduce((a, t) => a + t[k], 0) / ts.length;
  const worst = Math.max(...all.flat().map((t) => t.made / t.needed));
  const row = makeRow({
    benchmark: 'API economy',
    case: `requests per tenant (mean of ${tenants.length})`,
    samples: all.map((ts) => mean(ts, 'made')),
    unit: 'req',
    bound: mean(tenants, 'needed'),
    boundLabel: 'pages at max page size + fixed calls',
    target: { op: '<=', value: 1.05 },
    note: `worst tenant ratio ${worst.toFixed(2)}`,
  });
  return { row, tenants };
}

function perTenant(r: SweepResult): EconomyDetail[] {
  return r.scenario.tenants.map((t): EconomyDetail => {
    const need = neededRequests(t, r.scenario);
    const made = new Map<string, number>();
    for (const c of r.requests.filter((x) => x.tenant === t.name))
      made.set(`${c.simulator} ${c.endpoint}`, (made.get(`${c.simulator} ${c.endpoint}`) ?? 0) + c.requests);
    const excess: EconomyDetail['excess'] = {};
    for (const key of new Set([...need.keys(), ...made.keys()])) {
      const m = made.get(key) ?? 0;
      const n = need.get(key) ?? 0;
      if (m !== n) excess[key] = { made: m, needed: n };
    }
    const sum = (x: Map<string, number>) => [...x.values()].reduce((a, b) => a + b, 0);
    return { tenant: t.name, made: sum(made), needed: sum(need), excess };
  });
}
