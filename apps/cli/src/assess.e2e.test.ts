import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ControlStatus } from '@evident/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evident, evidentServing, evidentWith } from './testing/spawn.ts';

/** A GitHub org that was never read (misspelled, revoked token, SSO not authorized): nothing passes. */
const UNREAD_ORG: Record<string, ControlStatus> = {
  'MFA-01': 'unknown',
  'MFA-09': 'unknown',
  'LOG-01': 'unknown',
  'LOG-03': 'unknown',
  'LOG-04': 'unknown',
  'LOG-06': 'unknown',
};

/** What each preset's world must come out as, for the controls that tell the presets apart. */
const EXPECTED: Record<string, { preset: string; statuses: Record<string, ControlStatus>; gaps?: RegExp }> = {
  northwind: {
    preset: 'healthy',
    statuses: {
      'MFA-01': 'pass',
      'MFA-02': 'pass',
      'MFA-03': 'pass',
      'MFA-04': 'pass',
      'MFA-06': 'pass',
      'MFA-07': 'pass',
      'MFA-08': 'pass',
      'MFA-09': 'pass',
      'LOG-01': 'pass',
      'LOG-02': 'pass',
      'LOG-03': 'pass',
      'LOG-04': 'pass',
      'LOG-08': 'unknown',
    },
  },
  fabrikam: {
    preset: 'admins-unenforced',
    statuses: {
      'MFA-01': 'fail',
      'MFA-02': 'fail',
      'MFA-03': 'fail',
      'MFA-04': 'fail',
      'MFA-07': 'fail',
      'MFA-09': 'fail',
    },
  },
  tailspin: {
    preset: 'short-retention',
    statuses: { 'MFA-01': 'pass', 'MFA-03': 'pass', 'LOG-03': 'fail', 'LOG-04': 'fail', 'LOG-05': 'fail' },
  },
  'contoso-msp': { preset: 'msp-internal', statuses: { 'MFA-02': 'pass', 'MFA-03': 'pass', 'LOG-04': 'pass' } },
  adatum: {
    preset: 'security-defaults',
    statuses: { 'MFA-01': 'fail', 'MFA-07': 'pass', 'LOG-03': 'fail', 'LOG-04': 'fail' },
    gaps: /licence_required/,
  },
  litware: {
    preset: 'free-no-defaults',
    statuses: { 'MFA-01': 'fail', 'MFA-06': 'fail', 'MFA-07': 'fail' },
    gaps: /licence_required/,
  },
  wingtip: {
    preset: 'github-non-owner',
    statuses: { 'MFA-01': 'unknown', 'MFA-02': 'unknown', 'MFA-07': 'unknown' },
    gaps: /permission_missing/,
  },
  proseware: { preset: 'ca-edge-cases', statuses: { 'MFA-01': 'partial', 'MFA-02': 'pass', 'MFA-08': 'fail' } },
  woodgrove: {
    preset: 'gcp-hierarchy',
    statuses: {
      'MFA-01': 'not_applicable',
      'LOG-01': 'pass',
      'LOG-03': 'pass',
      'LOG-04': 'pass',
      'LOG-05': 'partial',
      'LOG-06': 'pass',
      'LOG-07': 'pass',
      'LOG-09': 'fail',
    },
  },
  alpineski: {
    preset: 'github-sms-2fa',
    statuses: { 'MFA-01': 'pass', 'MFA-07': 'pass', 'MFA-09': 'fail', 'LOG-01': 'pass', 'LOG-04': 'pass' },
  },
  lucerne: { preset: 'github-misspelled-org', statuses: UNREAD_ORG, gaps: /^permission_missing$/ },
  margie: { preset: 'github-revoked-token', statuses: UNREAD_ORG, gaps: /^auth_failed$/ },
  trey: { preset: 'github-sso-unauthorized', statuses: UNREAD_ORG, gaps: /^permission_missing$/ },
  fourthcoffee: {
    preset: 'github-app-emu',
    statuses: { 'MFA-01': 'unknown', 'MFA-07': 'unknown', 'MFA-09': 'unknown', 'LOG-01': 'pass' },
    gaps: /not_supported/,
  },
  wideworld: {
    preset: 'privileged-scope',
    // Its eligible-only admins are reached by the role policy only once active, and PIM does not gate activation.
    statuses: { 'MFA-01': 'fail', 'MFA-02': 'fail', 'MFA-03': 'fail', 'MFA-05': 'fail', 'MFA-07': 'partial' },
  },
};

interface Assessment {
  tenant: string;
  results: { controlId: string; status: ControlStatus; failing: unknown[] }[];
  gaps: { code: string }[];
  failedConnections: string[];
}

describe('evident assess against evident simulate, for every preset', () => {
  let dir: string;
  let simulate: { child: ChildProcess; firstLine: string; exited: Promise<number | null> };
  let started: { tenants: { name: string; config: string }[]; caCertPath: string | null; allowedEndpoints: string };
  const allowed = () => ({ EVIDENT_ALLOWED_ENDPOINTS: started.allowedEndpoints });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'evident-e2e-'));
    const presets = [...new Set(Object.values(EXPECTED).map((e) => e.preset))].join(',');
    simulate = await evidentServing('simulate', '--scenario', presets, '--write-config', dir);
    started = JSON.parse(simulate.firstLine);
  }, 60_000);

  afterAll(async () => {
    simulate?.child.kill('SIGTERM');
    if (simulate) expect(await simulate.exited).toBe(0);
    await rm(dir, { recursive: true, force: true });
  });

  it('prints its endpoints, the CA path and one config per tenant', async () => {
    expect(started.tenants.map((t) => t.name).sort()).toEqual(Object.keys(EXPECTED).sort());
    expect(await readFile(started.caCertPath!, 'utf8')).toMatch(/BEGIN CERTIFICATE/);
  });

  it.each(Object.entries(EXPECTED))(
    '%s (%s)',
    async (tenant, expected) => {
      const config = started.tenants.find((t) => t.name === tenant)!.config;
      const run = await evidentWith(allowed(), 'assess', '--config', config, '--format', 'json', '--quiet');
      const assessment = JSON.parse(run.stdout) as Assessment;
      expect(assessment.tenant).toBe(tenant);
      expect(assessment.results).toHaveLength(19);
      const got = Object.fromEntries(
        assessment.results.filter((r) => r.controlId in expected.statuses).map((r) => [r.controlId, r.status]),
      );
      expect(got).toEqual(expected.statuses);
      const findings = assessment.results.some((r) => r.status === 'fail' || r.status === 'partial');
      // A connection that could not be collected outranks findings: a gate never passes on revoked credentials.
      expect(run.code).toBe(assessment.failedConnections.length > 0 ? 3 : findings ? 1 : 0);
      if (expected.gaps) expect(assessment.gaps.map((g) => g.code).join(' ')).toMatch(expected.gaps);
    },
    60_000,
  );

  it('shows live progress on stderr and a table on stdout by default', async () => {
    const config = started.tenants.find((t) => t.name === 'northwind')!.config;
    const run = await evidentWith(allowed(), 'assess', '--config', config);
    expect(run.stderr).toMatch(/northwind-entra: .*pages, \d+ facts/);
    expect(run.stdout).toMatch(/^CONTROL\s+STATUS\s+COVERAGE\s+REASON/m);
  }, 60_000);

  it('writes CSV', async () => {
    const config = started.tenants.find((t) => t.name === 'tailspin')!.config;
    const out = join(dir, 'tailspin.csv');
    await evidentWith(allowed(), 'assess', '--config', config, '--format', 'csv', '--out', out, '--quiet');
    const lines = (await readFile(out, 'utf8')).trim().split('\n');
    expect(lines[0]).toBe('tenant,evaluated_at,control,status,covered,in_scope,failing,excepted,reason');
    expect(lines).toHaveLength(20);
  }, 60_000);

  it('check names what a Free tenant lacks', async () => {
    const config = started.tenants.find((t) => t.name === 'litware')!.config;
    const run = await evidentWith(allowed(), 'check', '--config', config, '--format', 'json');
    expect(run.code).toBe(1);
    const checks = JSON.parse(run.stdout) as { result: { items: { name: string; status: string }[] } }[];
    const missing = checks.flatMap((c) => c.result.items.filter((i) => i.status === 'missing').map((i) => i.name));
    expect(missing).toContain('Microsoft Entra ID P1 or P2');
  }, 60_000);
});

describe('evident assess with a bad config', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'evident-bad-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('exits 2 naming the key and what was wrong', async () => {
    const path = join(dir, 'bad.json');
    await writeFile(
      path,
      JSON.stringify({
        tenant: 'x',
        connections: [
          { kind: 'github', name: 'gh', config: { org: '' }, secret: { token: { env: 'EVIDENT_TEST_UNSET_VAR' } } },
        ],
      }),
    );
    const run = await evident('assess', '--config', path);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/connections\[0\]\.config\.org/);
    expect(run.stderr).toMatch(
      /connections\[0\]\.secret\.token: environment variable EVIDENT_TEST_UNSET_VAR is not set/,
    );
  });
});
