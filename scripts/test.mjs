#!/usr/bin/env node
// Runs every test of the repository in one Vitest process and prints the plain `N passed, N failed` line CI reads.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'evident-test-'));
const report = join(dir, 'report.json');
const args = [
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${report}`,
  ...process.argv.slice(2),
];
const run = spawnSync('npx', args, { stdio: 'inherit', env: { ...process.env, METADATA_SERVER_DETECTION: 'none' } });

let summary;
try {
  const r = JSON.parse(readFileSync(report, 'utf8'));
  summary = {
    passed: r.numPassedTests,
    failed: r.numFailedTests + (r.numFailedTestSuites ?? 0),
    skipped: r.numPendingTests + r.numTodoTests,
  };
} catch {
  summary = undefined;
}
rmSync(dir, { recursive: true, force: true });

if (summary) {
  console.log(`\n${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped`);
} else {
  console.log('\n0 passed, 1 failed (no test report was written)');
}
process.exit(run.status === 0 && summary && summary.failed === 0 && summary.passed > 0 ? 0 : 1);
