#!/usr/bin/env node
// `npm run up`: installs dependencies on a fresh clone, then runs `evident up` with the arguments given after `--`.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const root = new URL('..', import.meta.url).pathname;
// Stdout is the portfolio's (`--once` pipes it): what installing and building print goes to stderr.
const TO_STDERR = ['inherit', 2, 2];
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
const up = spawn(process.execPath, [`${root}apps/cli/bin/evident.js`, 'up', ...process.argv.slice(2)], {
  stdio: 'inherit',
});
// Ctrl-C reaches both processes; the child shuts down cleanly and this one waits for it.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => up.kill(signal));
up.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
