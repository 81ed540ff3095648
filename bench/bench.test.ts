import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { runBench, savedName } from './lib/bench.ts';
import { report } from './lib/report.ts';

// The same loopback PostgreSQL the store's own tests use (CI starts it).
const SERVER = 'postgres://postgres@127.0.0.1:5432/postgres';
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

it('runs every benchmark in smoke mode and reports a measured figure, a bound and a ratio for each row', async () => {
  const outDir = await mkdtemp(join(tmpdir(), 'evident-bench-test-'));
  dirs.push(outDir);
  const { report: result, table } = await runBench({ mode: 'smoke', outDir, save: true, postgres: SERVER });

  const written = report.parse(JSON.parse(await readFile(join(outDir, 'latest.json'), 'utf8')));
  expect(written).toEqual(result);
  const dated = JSON.parse(await readFile(join(outDir, savedName(result.startedAt)), 'utf8'));
  expect(dated).toEqual(JSON.parse(JSON.stringify(result)));

  expect(new Set(result.rows.map((r) => r.benchmark))).toEqual(
    new Set([
      'portfolio sweep',
      'API economy',
      'scale-out',
      'huge tenant',
      'evaluator',
      'evidence export',
      'dashboard API',
      'dashboard web',
      'alerts',
      'import',
    ]),
  );
  expect(result.rows.filter((r) => r.benchmark === 'scale-out').map((r) => r.case)).toEqual([
    '2 tenants, 1 worker process',
    '2 tenants, 2 worker processes',
  ]);
  expect(result.rows.filter((r) => r.benchmark === 'portfolio sweep').map((r) => r.case)).toEqual([
    '2 tenants, concurrency 1',
    '2 tenants, concurrency 2',
  ]);
  expect(result.rows.filter((r) => r.benchmark === 'dashboard API').map((r) => r.case.split(' p95')[0])).toEqual([
    'portfolio.matrix',
    'tenant.results',
    'tenant.results, huge tenant',
    'evidence.page, first page',
    'evidence.page, deep page (80 %)',
    'evidence.page, search',
  ]);
  for (const r of result.rows) {
    expect(r.measured, r.case).toBeGreaterThan(0);
    expect(r.bound, r.case).toBeGreaterThan(0);
    expect(r.ratio, r.case).toBeCloseTo(r.measured / r.bound, 9);
    expect(r.met === null, r.case).toBe(r.target === null);
  }

  const lines = table.split('\n');
  expect(lines[0]).toBe('| benchmark | case | measured | bound | ratio | target | met |');
  expect(lines).toHaveLength(result.rows.length + 2);
  for (const line of lines.slice(2)) expect(line.split('|')).toHaveLength(9);
}, 900_000);
