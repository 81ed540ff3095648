import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { BENCHMARKS, type Benchmark, type Mode, runBench, savedName } from './lib/bench.ts';

const { values } = parseArgs({
  options: {
    smoke: { type: 'boolean' },
    full: { type: 'boolean' },
    save: { type: 'boolean' },
    postgres: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
    pglite: { type: 'boolean' },
    only: { type: 'string', multiple: true },
  },
});
if (values.smoke && values.full) {
  console.error('choose one of --smoke and --full');
  process.exit(2);
}
const only = values.only?.flatMap((o) => o.split(','));
const unknown = only?.filter((o) => !(BENCHMARKS as readonly string[]).includes(o));
if (unknown?.length) {
  console.error(`--only takes ${BENCHMARKS.join(', ')}; not ${unknown.join(', ')}`);
  process.exit(2);
}
if (only && values.save) {
  console.error('--only is for a look at some figures; a saved run measures them all');
  process.exit(2);
}
const mode: Mode = values.smoke ? 'smoke' : values.full ? 'full' : 'quick';
const outDir = fileURLToPath(new URL('./results/', import.meta.url));
const { report, table } = await runBench({
  mode,
  outDir,
  save: values.save ?? false,
  ...(values.pglite ? {} : { postgres: values.postgres }),
  log: (l) => console.error(l),
  ...(only ? { only: only as Benchmark[] } : {}),
});
console.log(`\n${table}\n`);
console.log(
  `mode ${report.mode}, ${(report.durationMs / 1000).toFixed(1)} s; settings: ${JSON.stringify(report.settings)}`,
);
console.log(`results: ${outDir}latest.json${values.save ? ` and ${savedName(report.startedAt)}` : ''}`);
if (values.save) {
  // The README ends with the latest saved table.
  const readme = fileURLToPath(new URL('./README.md', import.meta.url));
  const marker = '<!-- latest -->';
  const text = await readFile(readme, 'utf8');
  const head = text.slice(0, text.indexOf(marker) + marker.length);
  const args = process.argv.slice(2).join(' ');
  const run = `\`npm run bench -- ${args}\`, ${report.startedAt.slice(0, 16).replace('T', ' ')} UTC, ${(report.durationMs / 60_000).toFixed(1)} min`;
  await writeFile(readme, `${head}\n\n${run} (\`bench/results/${savedName(report.startedAt)}\`):\n\n${table}\n`);
}
