import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';

const script = fileURLToPath(new URL('./check-packages.mjs', import.meta.url));
const dirs = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A throwaway workspace: `{ 'apps/cli': { dependencies: {...} } }` → package.json files. */
function workspace(members) {
  const root = mkdtempSync(join(tmpdir(), 'check-packages-'));
  dirs.push(root);
  for (const group of ['apps', 'packages']) mkdirSync(join(root, group));
  for (const [path, json] of Object.entries(members)) {
    mkdirSync(join(root, path));
    const name = `@evident/${path.split('/')[1]}`;
    writeFileSync(
      join(root, path, 'package.json'),
      JSON.stringify({ name, exports: { '.': './src/index.ts' }, ...json }),
    );
  }
  return root;
}

const check = (root) => spawnSync(process.execPath, [script, root], { encoding: 'utf8' });

it('refuses an app that depends on another app', () => {
  const r = check(
    workspace({
      'apps/worker': { dependencies: { '@evident/pipeline': '*' } },
      'apps/cli': { dependencies: { '@evident/worker': '*', '@evident/pipeline': '*' } },
      'packages/pipeline': {},
    }),
  );
  expect(r.status).toBe(1);
  expect(r.stderr).toContain('@evident/cli depends on the app @evident/worker');
});

it('refuses a package that depends on an app, and accepts apps over packages', () => {
  const bad = check(
    workspace({ 'apps/worker': {}, 'packages/pipeline': { devDependencies: { '@evident/worker': '*' } } }),
  );
  expect(bad.status).toBe(1);
  expect(bad.stderr).toContain('@evident/pipeline depends on the app @evident/worker');
  const good = check(
    workspace({ 'apps/cli': { dependencies: { '@evident/pipeline': '*' } }, 'packages/pipeline': {} }),
  );
  expect(good.stderr).toBe('');
  expect(good.status).toBe(0);
});

it('passes on this repository', () => {
  expect(check(fileURLToPath(new URL('..', import.meta.url))).status).toBe(0);
});
