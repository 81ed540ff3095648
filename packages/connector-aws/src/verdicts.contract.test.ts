import { evaluate } from '@evident/controls';
import type { ControlResult } from '@evident/core';
import { type AwsUser, type AwsWorld, awsWorld } from '@evident/simulators/aws';
import { afterEach, describe, expect, it } from 'vitest';
import { collectAll, contextFor, simulate } from './contract.fixture.ts';

const started: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.close()));
});

async function verdicts(world: AwsWorld, controls: string[]): Promise<Map<string, ControlResult>> {
  const sim = await simulate(world);
  started.push(sim);
  const facts = await collectAll(contextFor(sim));
  const results = await evaluate(facts, { now: new Date(), controls });
  return new Map(results.map((r) => [r.controlId, r]));
}

function healthy(change: (w: AwsWorld) => void = () => {}): AwsWorld {
  const w = awsWorld('healthy');
  change(w);
  return w;
}

describe('fail-closed verdicts from AWS facts', () => {
  it('fails MFA-02 when the root user has no MFA, and passes nothing for root on MFA-05', async () => {
    const good = await verdicts(healthy(), ['MFA-02', 'MFA-05']);
    expect(good.get('MFA-02')?.status).not.toBe('fail');
    expect(good.get('MFA-05')?.status).not.toBe('pass');
    const bad = await verdicts(
      healthy((w) => {
        w.accounts[0]!.rootMfa = 'none';
      }),
      ['MFA-02'],
    );
    expect(bad.get('MFA-02')?.status).toBe('fail');
    expect(bad.get('MFA-02')?.failing.map((f) => f.name)).toEqual(['root user of 111111111111']);
  });

  it('fails LOG-05 when the only trail logs one region', async () => {
    const good = await verdicts(healthy(), ['LOG-05']);
    expect(good.get('LOG-05')?.status).toBe('pass');
    const bad = await verdicts(
      healthy((w) => {
        w.accounts[0]!.trails[0]!.multiRegion = false;
      }),
      ['LOG-05'],
    );
    expect(bad.get('LOG-05')?.status).toBe('fail');
  });

  it('does not pass LOG-04 when a lifecycle rule deletes sooner than the retention the bucket advertises', async () => {
    const unlockedNoGroup = (w: AwsWorld) => {
      const a = w.accounts[0]!;
      a.buckets[0]!.lock = null;
      a.trails[0]!.logGroup = undefined;
    };
    const good = await verdicts(healthy(unlockedNoGroup), ['LOG-04']);
    expect(good.get('LOG-04')?.status).toBe('pass');
    const bad = await verdicts(
      healthy((w) => {
        unlockedNoGroup(w);
        w.accounts[0]!.buckets[0]!.lifecycle!.push({ id: 'tidy', enabled: true, prefix: 'ct/', expirationDays: 30 });
      }),
      ['LOG-04'],
    );
    // CloudTrail's event history still keeps 90 days: short of 180, at least 90.
    expect(bad.get('LOG-04')?.status).toBe('partial');
  });

  it('fails LOG-09 when no management event has been recorded', async () => {
    const good = await verdicts(healthy(), ['LOG-09']);
    expect(good.get('LOG-09')?.status).toBe('pass');
    const bad = await verdicts(
      healthy((w) => {
        w.accounts[0]!.lastEvent = null;
      }),
      ['LOG-09'],
    );
    expect(bad.get('LOG-09')?.status).toBe('fail');
  });

  it('fails MFA-01 for a user with a console password and no MFA', async () => {
    const good = await verdicts(
      healthy((w) => {
        w.accounts[0]!.rootMfa = 'hardware';
      }),
      ['MFA-01'],
    );
    expect(good.get('MFA-01')?.status).not.toBe('fail');
    const bad = await verdicts(
      healthy((w) => {
        const users = w.accounts[0]!.users as AwsUser[];
        users.push({
          name: 'carol',
          passwordEnabled: true,
          mfaDevices: [],
          accessKeysActive: 0,
          policies: [],
          groups: [],
        });
      }),
      ['MFA-01'],
    );
    expect(bad.get('MFA-01')?.status).toBe('fail');
    expect(bad.get('MFA-01')?.failing.map((f) => f.name)).toContain('carol');
  });
});
