import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { preset, startSimulators } from '@evident/simulators';
import { z } from 'zod';
import { makeRow, type Row } from './report.ts';
import { LATENCY, tenantBoundMs } from './world.ts';

const CHILD = fileURLToPath(new URL('../huge-child.ts', import.meta.url));
const childOutput = z.object({
  facts: z.number().int(),
  wallMs: z.number(),
  maxRssMb: z.number(),
  results: z.number().int(),
});
export type HugeRun = z.infer<typeof childOutput> & { users: number; boundMs: number };

function runChild(input: unknown, deadlineMs: number): Promise<z.infer<typeof childOutput>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD], { stdio: ['pipe', 'pipe', 'pipe'] });
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
    );
    return { ...out, users, boundMs: tenantBoundMs(sims.scenario.tenants[0]!, sims.scenario, throttleScale) };
  } finally {
    await sims.close();
  }
}

export function hugeRows(big: HugeRun, small: HugeRun, throttleScale: number): Row[] {
  const k = (n: number) => `${n.toLocaleString('en')} users`;
  return [
    makeRow({
      benchmark: 'huge tenant',
      case: `wall time, ${k(big.users)} (collect + evaluate + store)`,
      measured: big.wallMs / 1000,
      unit: 's',
      bound: big.boundMs / 1000,
      boundLabel: `page chain / reports throttle at scale ${throttleScale}`,
      target: null,
      note: `${big.facts} facts`,
    }),
    makeRow({
      benchmark: 'huge tenant',
      case: `peak RSS of the collecting process, ${k(big.users)}`,
      measured: big.maxRssMb,
      unit: 'MB',
      bound: 300,
      boundLabel: 'budget',
      target: { op: '<', value: 1 },
    }),
    makeRow({
      benchmark: 'huge tenant',
      case: `peak RSS ${k(big.users)} vs ${k(small.users)}`,
      measured: big.maxRssMb,
      unit: 'MB',
      bound: small.maxRssMb,
      boundLabel: `RSS at ${k(small.users)}`,
      target: { op: '<=', value: 1.3 },
    }),
  ];
}
