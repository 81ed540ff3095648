import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { preset, startSimulators } from '@evident/simulators';
import { z } from 'zod';
import { bundle } from '../../scripts/build.mjs';
import { makeRow, type Row, rssRows } from './report.ts';
import { LATENCY, tenantBoundMs } from './world.ts';

const BENCH = fileURLToPath(new URL('..', import.meta.url));
const CHILD = `${BENCH}dist/huge-child.js`;
const DOCKERFILE = fileURLToPath(new URL('../../infra/Dockerfile', import.meta.url));

/** The child compiled as production code is (no TypeScript loader in the measured process). */
export async function compileChild(): Promise<void> {
  await bundle({ contents: "import './huge-child.ts';", resolveDir: BENCH, outfile: CHILD });
}

/** The worker's default heap limit, as the image sets it: one figure, read where it is set. */
export async function workerHeapMb(): Promise<number> {
  const m = /--max-old-space-size=(\d+)/.exec(await readFile(DOCKERFILE, 'utf8'));
  if (!m) throw new Error('infra/Dockerfile sets no --max-old-space-size for the worker');
  return Number(m[1]);
}
const childOutput = z.object({
  facts: z.number().int(),
  wallMs: z.number(),
  maxRssMb: z.number(),
  results: z.number().int(),
});
export type HugeRun = z.infer<typeof childOutput> & { users: number; boundMs: number; heapMb: number | null };

function runChild(input: unknown, deadlineMs: number, heapMb?: number): Promise<z.infer<typeof childOutput>> {
  return new Promise((resolve, reject) => {
    const flags = heapMb ? [`--max-old-space-size=${heapMb}`] : [];
    const child = spawn(process.execPath, [...flags, CHILD], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), deadlineMs);
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`huge-tenant child ended with ${code ?? signal}: ${err.slice(-2000)}`));
      resolve(childOutput.parse(JSON.parse(out.trim().split('\n').at(-1) ?? '')));
    });
    child.stdin.end(JSON.stringify(input));
  });
}

/** One tenant of `users` users (the `huge` preset's shape) collected, evaluated and stored by a child process. */
export async function hugeTenant(
  users: number,
  throttleScale: number,
  deadlineMs: number,
  postgres: string | undefined,
  heapMb?: number,
): Promise<HugeRun> {
  const base = preset('huge');
  const tenant = base.tenants[0]!;
  const entra = { ...tenant.entra!, users, guests: Math.round(users / 60) };
  const sc = preset('huge', {
    tenants: [{ ...tenant, entra }],
    faults: { graph: LATENCY },
  });
  const sims = await startSimulators(sc, { throttleScale });
  try {
    const [connection] = sims.connections(tenant.name);
    const out = await runChild(
      { ...connection, allowedEndpoints: sims.allowedEndpoints, ...(postgres ? { postgres } : {}) },
      deadlineMs,
      heapMb,
    );
    return {
      ...out,
      users,
      heapMb: heapMb ?? null,
      boundMs: tenantBoundMs(sims.scenario.tenants[0]!, sims.scenario, throttleScale),
    };
  } finally {
    await sims.close();
  }
}

export interface HugeRuns {
  /** Node's defaults: no heap limit. */
  big: HugeRun[];
  small: HugeRun[];
  /** With the worker's default heap limit. */
  bigCapped: HugeRun[];
}

export function hugeRows({ big, small, bigCapped }: HugeRuns, throttleScale: number): Row[] {
  const k = (n: number) => `${n.toLocaleString('en')} users`;
  const users = big[0]!.users;
  const rss = (runs: HugeRun[]) => runs.map((r) => r.maxRssMb);
  const heap = bigCapped[0]?.heapMb;
  return [
    makeRow({
      benchmark: 'huge tenant',
      case: `wall time, ${k(users)} (collect + evaluate + store)`,
      samples: big.map((r) => r.wallMs / 1000),
      unit: 's',
      bound: big[0]!.boundMs / 1000,
      boundLabel: `page chain / reports throttle at scale ${throttleScale}`,
      target: null,
      note: `${big[0]!.facts} facts`,
    }),
    ...rssRows(
      'huge tenant',
      'the collecting process',
      k,
      { size: users, rssMb: rss(big) },
      { size: small[0]!.users, rssMb: rss(small) },
    ),
    makeRow({
      benchmark: 'huge tenant',
      case: `peak RSS of the collecting process, ${k(users)}, worker heap limit ${heap} MB`,
      samples: rss(bigCapped),
      unit: 'MB',
      bound: 300,
      boundLabel: 'budget',
      target: { op: '<', value: 1 },
    }),
  ];
}
