#!/usr/bin/env node
// `npm run up`: installs dependencies on a fresh clone, then runs `evident up` with the arguments given after `--`.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
// Stdout is the portfolio's (`--once` pipes it): what installing and building print goes to stderr.
const TO_STDERR = ['inherit', 2, 2];
/** The heap limit the image gives every worker (infra/Dockerfile, NODE_OPTIONS). */
const WORKER_HEAP_MB = 192;
const BUNDLE = `${root}apps/cli/dist/evident.js`;

function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name === 'dist') continue;
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}
const stale = () =>
  !existsSync(BUNDLE) || Math.max(newest(`${root}apps`), newest(`${root}packages`)) > statSync(BUNDLE).mtimeMs;
if (!existsSync(`${root}node_modules/.package-lock.json`)) {
  console.error('evident up: installing dependencies (npm ci)…');
  const install = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: TO_STDERR });
  if (install.status !== 0) process.exit(install.status ?? 1);
}
// The server serves the built web app; build it once when it is missing (`npm run build` rebuilds it).
if (!existsSync(`${root}apps/web/dist/index.html`)) {
  console.error('evident up: building the web app…');
  const build = spawnSync('npm', ['run', 'build', '-w', '@evident/web'], { cwd: root, stdio: TO_STDERR });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
// The compiled CLI, built when missing or older than a source; its in-process worker keeps the workers' heap limit.
if (stale()) {
  console.error('evident up: building the apps (npm run build)…');
  const build = spawnSync(process.execPath, [`${root}scripts/build.mjs`], { cwd: root, stdio: TO_STDERR });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
const up = spawn(
  process.execPath,
  [`--max-old-space-size=${WORKER_HEAP_MB}`, `${root}apps/cli/dist/evident.js`, 'up', ...process.argv.slice(2)],
  { stdio: 'inherit' },
);
// Ctrl-C reaches both processes; the child shuts down cleanly and this one waits for it.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => up.kill(signal));
up.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
