import { evaluate } from '@evident/controls';
import type { ControlResult } from '@evident/core';
import type { WorkspaceSimulator } from '@evident/simulators/workspace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, NOW, type Run, startPreset } from './contract.fixture.ts';

async function verdicts(run: Run): Promise<Map<string, ControlResult>> {
  const results = await evaluate(run.all, { now: NOW });
  return new Map(results.map((r) => [r.controlId, r]));
}

describe('the catalog over a Google Workspace collection', () => {
  let healthy: WorkspaceSimulator;
  let weak: WorkspaceSimulator;
  beforeAll(async () => {
    [healthy, weak] = await Promise.all([startPreset('healthy'), startPreset('weak')]);
  });
  afterAll(() => Promise.all([healthy.close(), weak.close()]));

  it('passes MFA-01 and MFA-02 where 2SV is enforced and used by everyone', async () => {
    const v = await verdicts(await collect(healthy));
    expect(v.get('MFA-01')?.status).toBe('pass');
    expect(v.get('MFA-02')?.status).toBe('pass');
    expect(v.get('MFA-02')?.coverage).toEqual({ numerator: 2, denominator: 2 });
  });

  it('fails admins who are enrolled but not enforced, and leaves the suspended super admin out', async () => {
    const v = await verdicts(await collect(weak));
    const mfa02 = v.get('MFA-02')!;
    expect(mfa02.status).toBe('fail');
    expect(mfa02.failing.map((f) => f.name).sort()).toEqual(['user1@example.org', 'user2@example.org']);
    expect(mfa02.failing[0]?.why).toContain('isEnforcedIn2Sv is false');
    expect(mfa02.failing[0]?.why).toContain('a method is registered, but nothing forces its use');
    expect(v.get('MFA-01')?.status).not.toBe('pass');
    for (const r of v.values()) expect(r.failing.map((f) => f.name)).not.toContain('user3@example.org');
  });

  it('keeps phishing resistance, methods and log export unknown with the reason, never a pass', async () => {
    const v = await verdicts(await collect(healthy));
    expect(v.get('MFA-05')?.status).toBe('unknown');
    expect(v.get('MFA-05')?.reason).toContain('neither which methods they use nor which the policy allows');
    expect(v.get('MFA-07')?.status).toBe('unknown');
    expect(v.get('MFA-07')?.reason).toContain('organizational units and groups');
    expect(v.get('MFA-09')?.status).toBe('unknown');
    expect(v.get('MFA-09')?.reason).toContain('2-Step Verification');
    for (const id of ['LOG-02', 'LOG-03', 'LOG-04', 'LOG-05', 'LOG-06']) {
      expect(v.get(id)?.status, id).toBe('unknown');
      expect(v.get(id)?.reason, id).toContain('BigQuery');
    }
    expect(v.get('LOG-01')?.status).toBe('pass');
    expect(v.get('LOG-09')?.status).toBe('pass');
  });

  it('makes the log controls unknown with the reason when a report cannot be read', async () => {
    weak.faults.reports = { admin: 'forbidden', login: 'error' };
    try {
      const v = await verdicts(await collect(weak));
      expect(v.get('LOG-01')?.status).toBe('unknown');
      expect(v.get('LOG-01')?.reason).toContain('Not Authorized');
      expect(v.get('LOG-09')?.status).toBe('unknown');
      expect(v.get('LOG-09')?.reason).toContain('500');
    } finally {
      weak.faults.reports = {};
    }
  });
});
