import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dropBench, type Seeded, seedBench } from '@evident/evidence/testing/bench';
import { z } from 'zod';
import { bundle } from '../../scripts/build.mjs';
import { makeRow, median, type Row, rssRows } from './report.ts';

const BENCH = fileURLToPath(new URL('..', import.meta.url));
const CHILD = `${BENCH}dist/export-child.js`;

const childOutput = z.object({
  wallMs: z.number(),
  bytes: z.number().int(),
  identitiesCsvBytes: z.number().int(),
  maxRssMb: z.number(),
});
export type ExportRun = z.infer<typeof childOutput> & { identities: number };

function runChild(s: Seeded, out: string, deadlineMs: number): Promise<z.infer<typeof childOutput>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), deadlineMs);
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`export child ended with ${code ?? signal}: ${stderr.slice(-2000)}`));
      resolve(childOutput.parse(JSON.parse(stdout.trim().split('\n').at(-1) ?? '')));
    });
    child.stdin.end(JSON.stringify({ seeded: s, out }));
  });
}

/**
 * A tenant of `identities` people seeded into a fresh database on `postgres` (dropped afterwards), then its pack
 * exported `repeats` times by a compiled child process (no TypeScript loader), Node's defaults.
 */
export async function exportRuns(
  postgres: string,
  identities: number,
  repeats: number,
  deadlineMs: number,
  log: (line: string) => void,
): Promise<ExportRun[]> {
  await bundle({ contents: "import './export-child.ts';", resolveDir: BENCH, outfile: CHILD });
  log(`evidence export: seeding ${identities} identities…`);
  const s = await seedBench(postgres, identities);
  const dir = await mkdtemp(join(tmpdir(), 'evident-bench-export-'));
  try {
    const runs: ExportRun[] = [];
    for (let i = 0; i < repeats; i++) {
      log(`evidence export: ${identities} identities (run ${i + 1}/${repeats})…`);
      runs.push({ ...(await runChild(s, join(dir, `pack-${i}.zip`), deadlineMs)), identities });
    }
    return runs;
  } finally {
    await rm(dir, { recursive: true, force: true });
    await dropBench(s);
  }
}

/** A tenant this large and its tenth (the reference), per mode. */
const SIZES = {
  smoke: { identities: 300, reference: 30, deadlineMs: 60_000 },
  quick: { identities: 300_000, reference: 30_000, deadlineMs: 300_000 },
  full: { identities: 300_000, reference: 30_000, deadlineMs: 600_000 },
};

/** PostgreSQL even when the other benchmarks embed PGlite: the export's memory is measured, not the database's. */
const LOOPBACK = 'postgres://postgres@127.0.0.1:5432/postgres';

/** Exports at both sizes, `repeats` times each: the runs and their rows. */
export async function exportBench(
  mode: keyof typeof SIZES,
  postgres: string | undefined,
  repeats: number,
  log: (line: string) => void,
): Promise<{ runs: { small: ExportRun[]; big: ExportRun[] }; rows: Row[] }> {
  const size = SIZES[mode];
  const run = (n: number) => exportRuns(postgres ?? LOOPBACK, n, repeats, size.deadlineMs, log);
  const small = await run(size.reference);
  const big = await run(size.identities);
  return { runs: { small, big }, rows: exportRows(big, small) };
}

export function exportRows(big: ExportRun[], small: ExportRun[]): Row[] {
  const k = (n: number) => `${n.toLocaleString('en')} identities`;
  const rss = (runs: ExportRun[]) => runs.map((r) => r.maxRssMb);
  const n = big[0]!.identities;
  return [
    makeRow({
      benchmark: 'evidence export',
      case: `wall time, ${k(n)} (store → signed zip on disk)`,
      samples: big.map((r) => r.wallMs / 1000),
      unit: 's',
      bound: (median(small.map((r) => r.wallMs)).value / 1000) * (n / small[0]!.identities),
      boundLabel: `time at ${k(small[0]!.identities)}, scaled linearly`,
      target: null,
      note: `identities.csv ${(big[0]!.identitiesCsvBytes / 2 ** 20).toFixed(1)} MB, zip ${(big[0]!.bytes / 2 ** 20).toFixed(1)} MB`,
    }),
    ...rssRows(
      'evidence export',
      'the exporting process',
      k,
      { size: n, rssMb: rss(big) },
      { size: small[0]!.identities, rssMb: rss(small) },
    ),
  ];
}
