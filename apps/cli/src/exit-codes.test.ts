import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { combinePresets, type Simulators, startSimulators } from '@evident/simulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT, type Io, worstExit } from './io.ts';
import { JSON_LIMITS } from './json-text.ts';
import { main } from './main.ts';

let dir: string;
let sims: Simulators;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'evident-exit-'));
  sims = await startSimulators(combinePresets(['healthy', 'admins-unenforced']));
  // The CLI reads its settings when a command runs: the simulators are the one place overrides may point to.
  process.env.EVIDENT_ALLOWED_ENDPOINTS = sims.allowedEndpoints;
});
afterAll(async () => {
  delete process.env.EVIDENT_ALLOWED_ENDPOINTS;
  await sims?.close();
  await rm(dir, { recursive: true, force: true });
});

async function run(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    out: (t) => {
      stdout += t;
    },
    err: (t) => {
      stderr += t;
    },
  };
  return { code: await main(args, io), stdout, stderr };
}

/** The tenant's simulated connections of `kinds` as an `evident assess` config, the GitHub token replaced if given. */
async function config(tenant: string, githubToken?: string, kinds = ['entra', 'github']): Promise<string> {
  const connections = sims
    .connections(tenant)
    .filter((c) => kinds.includes(c.kind))
    .map((c) => (c.kind === 'github' && githubToken ? { ...c, secret: { token: githubToken } } : c));
  const path = join(dir, `${tenant}-${githubToken ?? 'ok'}-${kinds.join('-')}.json`);
  await writeFile(path, JSON.stringify({ tenant, connections }));
  return path;
}

const assess = async (path: string, ...more: string[]) => run('assess', '--config', path, '--quiet', ...more);

describe('evident assess exit codes', () => {
  it('0 when every connection was collected and nothing fails', async () => {
    // Its Entra and Cloud Logging logs are only partly protected (LOG-05..07 partial); its GitHub org is clean.
    const r = await assess(await config('northwind', undefined, ['github']), '--format', 'json');
    const out = JSON.parse(r.stdout) as { results: { controlId: string; status: string }[] };
    expect(out.results.filter((x) => x.status === 'fail' || x.status === 'partial')).toEqual([]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(EXIT.ok);
  });

  it('1 when a control fails', async () => {
    expect((await assess(await config('fabrikam'))).code).toBe(EXIT.findings);
  });

  it('3 when the credentials are refused (a revoked token), naming the connection', async () => {
    const r = await assess(await config('northwind', 'ghp_revoked'), '--format', 'json');
    expect(r.code).toBe(EXIT.notCollected);
    expect(r.stderr).toMatch(/not collected: northwind-github/);
    const out = JSON.parse(r.stdout) as { failedConnections: string[]; gaps: { code: string }[] };
    expect(out.failedConnections).toEqual(['northwind-github']);
    expect(out.gaps.map((g) => g.code)).toContain('auth_failed');
  });

  it('3 over 1: a failing control does not hide a connection that was not collected', async () => {
    expect((await assess(await config('fabrikam', 'ghp_revoked'))).code).toBe(EXIT.notCollected);
  });

  it('4 for an unexpected error: one line, the stack only with --debug', async () => {
    const out = join(dir, 'no-such-dir', 'out.txt');
    const r = await assess(await config('northwind'), '--out', out);
    expect(r.code).toBe(EXIT.internal);
    expect(r.stderr).toMatch(/^evident assess: unexpected error: Error: ENOENT[^\n]*\nRun again with --debug/);
    expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(2);
    const debug = await assess(await config('northwind'), '--out', out, '--debug');
    expect(debug.code).toBe(EXIT.internal);
    expect(debug.stderr).toMatch(/\n\s+at /);
  });

  it('orders the codes: internal, bad input, not collected, findings, ok', () => {
    expect(worstExit(EXIT.findings, EXIT.notCollected)).toBe(EXIT.notCollected);
    expect(worstExit(EXIT.notCollected, EXIT.badInput)).toBe(EXIT.badInput);
    expect(worstExit(EXIT.badInput, EXIT.internal, EXIT.ok)).toBe(EXIT.internal);
    expect(worstExit()).toBe(EXIT.ok);
  });
});

describe('bad input: exit 2 with a clear message that never echoes the input', () => {
  it('a JSON syntax error gives the line and column, not the offending text', async () => {
    const path = join(dir, 'syntax.json');
    await writeFile(path, '{\n  "tenant": "x",\n  "connections": [{ "secret": { "token": ghp_live_s3cret } }]\n}\n');
    const r = await assess(path);
    expect(r.code).toBe(EXIT.badInput);
    expect(r.stderr).toMatch(/--config .*syntax\.json: not valid JSON at line 3, column 42/);
    expect(r.stderr).not.toMatch(/s3cret|ghp_/);
  });

  it('a config larger than the cap', async () => {
    const path = join(dir, 'big.json');
    await writeFile(path, JSON.stringify({ tenant: 'x'.repeat(JSON_LIMITS.maxFileBytes), connections: [] }));
    const r = await assess(path);
    expect(r.code).toBe(EXIT.badInput);
    expect(r.stderr).toMatch(/big\.json: larger than 1 MiB/);
  });

  it('a config nested deeper than the cap', async () => {
    const path = join(dir, 'deep.json');
    const deep = `${'['.repeat(100)}${']'.repeat(100)}`;
    await writeFile(path, `{"tenant": "x", "connections": [], "params": {"LOG-04": {"x": ${deep}}}}`);
    const r = await assess(path);
    expect(r.code).toBe(EXIT.badInput);
    expect(r.stderr).toMatch(/deep\.json: nested deeper than 64 levels/);
  });

  it('a facts line longer than the cap', async () => {
    const path = join(dir, 'long.jsonl');
    await writeFile(path, `\n{"type": "identity", "subject": "${'x'.repeat(JSON_LIMITS.maxLineBytes)}"}\n`);
    const r = await run('evaluate', '--facts', path);
    expect(r.code).toBe(EXIT.badInput);
    expect(r.stderr).toMatch(/^evident evaluate: line 2: longer than 1 MiB/);
  });

  it('a facts line with a syntax error gives its line and column only', async () => {
    const path = join(dir, 'bad.jsonl');
    await writeFile(path, '\n{"type": "identity", "token": s3cret}\n');
    const r = await run('evaluate', '--facts', path);
    expect(r.code).toBe(EXIT.badInput);
    expect(r.stderr).toMatch(/^evident evaluate: line 2: not valid JSON at column 31/);
    expect(r.stderr).not.toMatch(/s3cret/);
  });
});
