import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Io } from './io.ts';
import { main } from './main.ts';
import { evident, type Run } from './testing/spawn.ts';

const NOW = '2026-11-02T00:00:00Z';

/** Runs a command line in this process, capturing what it writes. */
async function inProcess(...args: string[]): Promise<Run> {
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

const base = { provider: 'entra', source: 'GET /users', observedAt: '2026-11-01T00:00:00Z' };
const user = (subject: string, enforced: boolean) => ({
  type: 'identity',
  connection: 'entra-contoso',
  ...base,
  subject,
  name: `${subject}@contoso.example`,
  kind: 'human',
  enabled: true,
  mspPrincipal: false,
  privileged: false,
  mfaRegistered: true,
  phishingResistantRegistered: false,
  mfaEnforced: enforced,
  enforcementSource: enforced ? 'policy' : 'none',
  enforcementReason: enforced ? 'enforced_policy' : 'registered_not_enforced',
});
const lines = (...objects: unknown[]) =>
  `${objects.map((o) => (typeof o === 'string' ? o : JSON.stringify(o))).join('\n')}\n`;

let dir: string;
const file = async (name: string, text: string) => {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'evident-cli-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('evident controls', () => {
  it('lists at least 18 controls as JSON, each with at least two mappings', async () => {
    const r = await evident('controls', '--format', 'json');
    expect(r.code, r.stderr).toBe(0);
    const catalog = JSON.parse(r.stdout) as Array<Record<string, unknown> & { mappings: unknown[] }>;
    expect(catalog.length).toBeGreaterThanOrEqual(18);
    for (const c of catalog) {
      expect(Object.keys(c)).toEqual(['id', 'title', 'requirement', 'rationale', 'remediation', 'params', 'mappings']);
      expect(c.mappings.length).toBeGreaterThanOrEqual(2);
    }
    expect(catalog.find((c) => c.id === 'LOG-04')?.params).toMatchObject({ minRetentionDays: 180 });
  });

  it('narrows to one framework', async () => {
    const r = await inProcess('controls', '--framework', 'scuba-entra', '--format', 'json');
    const catalog = JSON.parse(r.stdout) as Array<{ id: string; mappings: Array<{ framework: string }> }>;
    expect(catalog.map((c) => c.id)).toContain('MFA-06');
    expect(catalog.flatMap((c) => c.mappings).every((m) => m.framework === 'scuba-entra')).toBe(true);
  });

  it('prints an aligned table by default and Markdown on request', async () => {
    const table = await inProcess('controls');
    expect(table.stdout.split('\n')[0]).toMatch(/^CONTROL {2}TITLE +MAPPINGS$/);
    const md = await inProcess('controls', '--format', 'markdown');
    expect(md.stdout).toContain('## LOG-04: Most important logs retained at least six months (AA22-131A)');
    expect(md.stdout).toContain('| `minRetentionDays` | 180 |');
  });

  it('refuses an unknown framework or format with exit code 2', async () => {
    const r = await inProcess('controls', '--framework', 'sox');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown framework sox; known: aa22-131a/);
    expect((await inProcess('controls', '--format', 'yaml')).code).toBe(2);
  });
});

describe('evident evaluate', () => {
  it('streams a JSONL file, skipping blank lines, and exits 1 when a control fails', async () => {
    const facts = await file('facts.jsonl', lines(user('u1', true), '', '   ', user('u2', false)));
    const r = await evident('evaluate', '--facts', facts, '--now', NOW, '--format', 'json');
    expect(r.code, r.stderr).toBe(1);
    const results = JSON.parse(r.stdout) as Array<{
      controlId: string;
      status: string;
      failing: Array<{ subject: string }>;
    }>;
    const mfa01 = results.find((x) => x.controlId === 'MFA-01')!;
    expect(mfa01.status).toBe('fail');
    expect(mfa01.failing.map((f) => f.subject)).toEqual(['u2']);
  });

  it('exits 0 when nothing fails or is partial, and prints a table', async () => {
    const facts = await file('good.jsonl', lines(user('u1', true)));
    const r = await evident('evaluate', '--facts', facts, '--now', NOW);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^CONTROL +STATUS +COVERAGE +REASON$/);
    expect(r.stdout).toMatch(/^MFA-01 +pass +1\/1 +The only human user is forced through MFA\.$/m);
  });

  it('applies exceptions and parameter files', async () => {
    const facts = await file('mixed.jsonl', lines(user('u1', true), user('u2', false)));
    const exceptions = await file(
      'exceptions.json',
      JSON.stringify([
        {
          controlId: 'MFA-01',
          subject: 'u2@contoso.example',
          reason: 'leaving',
          approver: 'ciso',
          expiresAt: '2026-12-01T00:00:00Z',
        },
      ]),
    );
    const excused = await inProcess(
      'evaluate',
      '--facts',
      facts,
      '--now',
      NOW,
      '--exceptions',
      exceptions,
      '--format',
      'json',
    );
    expect(JSON.parse(excused.stdout)[0]).toMatchObject({ controlId: 'MFA-01', status: 'pass' });
    const params = await file('params.json', JSON.stringify({ 'MFA-01': { partialBand: 0.5 } }));
    const banded = await inProcess('evaluate', '--facts', facts, '--now', NOW, '--params', params, '--format', 'json');
    expect(JSON.parse(banded.stdout)[0]).toMatchObject({ controlId: 'MFA-01', status: 'partial' });
  });

  it.each([
    [
      'a malformed JSON line',
      lines(user('u1', true), '', '{"type": "identity",'),
      /^evident evaluate: line 3: not valid JSON/,
    ],
    [
      'an unknown fact type',
      lines(user('u1', true), { ...user('u2', true), type: 'device' }),
      /^evident evaluate: line 2: type: Invalid discriminator value/,
    ],
    [
      'a wrong field type',
      lines({ ...user('u1', true), enabled: 'yes' }),
      /^evident evaluate: line 1: enabled: Invalid input: expected boolean, received string/,
    ],
    [
      'a missing field',
      lines({ ...user('u1', true), mfaEnforced: undefined }),
      /^evident evaluate: line 1: mfaEnforced: Invalid input: expected boolean, received undefined/,
    ],
  ])('stops at %s with the line number and exit code 2', async (name, text, message) => {
    const facts = await file(`${name.replaceAll(' ', '-')}.jsonl`, text);
    const r = await evident('evaluate', '--facts', facts, '--now', NOW);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it.each([
    ['no --facts', [], /--facts FILE.jsonl is required/],
    ['a missing file', ['--facts', '/nonexistent/facts.jsonl'], /cannot read \/nonexistent\/facts.jsonl \(ENOENT\)/],
    ['a bad --now', ['--facts', 'x', '--now', 'yesterday'], /--now must be an ISO date-time/],
    ['an unknown option', ['--facts', 'x', '--verbose'], /Unknown option '--verbose'/],
  ])('refuses %s with exit code 2', async (_, args, message) => {
    const r = await inProcess('evaluate', ...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('refuses bad exception and parameter files with exit code 2', async () => {
    const facts = await file('one.jsonl', lines(user('u1', true)));
    const badExceptions = await file('bad-exceptions.json', JSON.stringify([{ controlId: 'MFA-01' }]));
    const r1 = await inProcess('evaluate', '--facts', facts, '--exceptions', badExceptions);
    expect(r1.code).toBe(2);
    expect(r1.stderr).toMatch(/--exceptions .*: 0.subject: Invalid input/);
    const badParams = await file('bad-params.json', JSON.stringify({ 'LOG-04': { minRetentionDays: -1 } }));
    const r2 = await inProcess('evaluate', '--facts', facts, '--params', badParams);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/invalid parameters for LOG-04\n {2}LOG-04.minRetentionDays: /);
  });
});

describe('evident', () => {
  it('prints usage on --help and for a command, and exit code 2 for an unknown command', async () => {
    const help = await evident('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/controls +print the control catalog/);
    expect((await inProcess('evaluate', '--help')).stdout).toMatch(/^Usage: evident evaluate --facts FILE.jsonl/);
    const unknown = await inProcess('assessx');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command assessx/);
    expect((await inProcess()).code).toBe(2);
  });
});
