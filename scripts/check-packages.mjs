#!/usr/bin/env node
// Workspace rules a linter cannot see: no import cycle between packages, every package has an exports map,
// nothing depends on an app (apps are thin hosts over packages), and each external dependency has one version
// across the repository. Usage: node scripts/check-packages.mjs [workspace root]
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = process.argv[2] ? resolve(process.argv[2]) : new URL('..', import.meta.url).pathname;
const pkgs = new Map();
for (const group of ['packages', 'apps']) {
  for (const name of readdirSync(join(root, group))) {
    const file = join(root, group, name, 'package.json');
    if (existsSync(file))
      pkgs.set(JSON.parse(readFileSync(file, 'utf8')).name, { group, json: JSON.parse(readFileSync(file, 'utf8')) });
  }
}

const problems = [];
const versions = new Map();
const edges = new Map();
for (const [name, { group, json }] of pkgs) {
  if (group === 'packages' && !json.exports) problems.push(`${name} has no "exports" map`);
  const deps = { ...json.dependencies, ...json.devDependencies };
  edges.set(
    name,
    Object.keys(deps).filter((d) => pkgs.has(d)),
  );
  for (const [dep, range] of Object.entries(deps)) {
    if (pkgs.has(dep)) {
      if (pkgs.get(dep).group === 'apps') problems.push(`${name} depends on the app ${dep}`);
      continue;
    }
    const seen = versions.get(dep);
    if (seen && seen.range !== range) problems.push(`${dep} is ${seen.range} in ${seen.by} but ${range} in ${name}`);
    else versions.set(dep, { range, by: name });
  }
}

const state = new Map();
const visit = (name, path) => {
  if (state.get(name) === 'done') return;
  if (state.get(name) === 'open') {
    problems.push(`import cycle: ${[...path.slice(path.indexOf(name)), name].join(' -> ')}`);
    return;
  }
  state.set(name, 'open');
  for (const next of edges.get(name) ?? []) visit(next, [...path, name]);
  state.set(name, 'done');
};
for (const name of pkgs.keys()) visit(name, []);

if (problems.length > 0) {
  for (const p of problems) console.error(`check-packages: ${p}`);
  process.exit(1);
}
console.log(`check-packages: ${pkgs.size} workspaces, no cycles, no app dependencies, one version per dependency`);
