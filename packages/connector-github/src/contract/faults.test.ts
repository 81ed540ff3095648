import { DEFAULT_CONCURRENCY } from '@evident/connector-kit';
import type { FaultSpec, ScenarioInput } from '@evident/simulators';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { collectAll, FAST, gapLines, type Run, type Simulation, simulate } from './sim.fixture.ts';

const WORLD: ScenarioInput = {
  tenants: [
    {
      name: 'tailwind',
      github: {
        org: 'tailwind',
        plan: 'enterprise',
        members: 150,
        owners: 3,
        membersWithout2fa: 5,
        outsideCollaborators: 30,
        collaboratorsWithout2fa: 1,
        auditLogStreaming: true,
      },
    },
  ],
};
const CONFIG = { enterprise: 'tailwind' };

let s: Simulation | undefined;
afterEach(async () => {
  await s?.sim.close();
  s = undefined;
});

let baseline: Run;
beforeAll(async () => {
  const clean = await simulate(WORLD);
  baseline = await collectAll(clean, CONFIG);
  await clean.sim.close();
  expect(baseline.identities).toHaveLength(180);
  expect(gapLines(baseline)).toEqual(['not_supported identity.lastSignIn,identity.phishingResistantRegistered']);
});

const served = (sim: Simulation) => {
  const counts = sim.sim.accounting.snapshot().requests;
  return { requests: counts.reduce((n, c) => n + c.requests, 0), served: counts.reduce((n, c) => n + c.served, 0) };
};

describe('transient faults the SDK rides out', () => {
  const cases: [string, Partial<FaultSpec>, typeof FAST][] = [
    ['latency', { latencyMs: 15, jitterMs: 10 }, FAST],
    ['server errors (502/503)', { serverErrorShare: 0.3 }, FAST],
    ['timeouts', { timeoutShare: 0.3 }, { ...FAST, requestTimeoutMs: 250 }],
    ['connection resets', { resetShare: 0.3 }, FAST],
    ['truncated bodies', { truncateShare: 0.3 }, FAST],
  ];

  it.each(cases)('%s: the same facts as without the fault', async (name, faults, options) => {
    s = await simulate(WORLD, { faults });
    const run = await collectAll(s, CONFIG, options);
    expect(run.facts).toEqual(baseline.facts);
    const { requests, served: ok } = served(s);
    if (name === 'latency') expect(requests).toBe(ok);
    else expect(requests).toBeGreaterThan(ok);
  });
});

describe('throttling', () => {
  it('waits out secondary limits through the SDK, each wait counted in progress', async () => {
    s = await simulate(WORLD, { faults: { throttleShare: 0.3 } });
    const run = await collectAll(s, CONFIG);
    expect(run.facts).toEqual(baseline.facts);
    const throttles = s.sim.accounting.snapshot().throttles;
    expect(throttles.length).toBeGreaterThan(0);
    expect(throttles.every((t) => t.reason === 'fault:throttle')).toBe(true);
    expect(run.progress.at(-1)).toMatchObject({ throttleWaits: throttles.length, waitedMs: throttles.length });
  });

  it('waits for a primary limit to reset, then goes on', async () => {
    let clock = Date.now();
    let waits = 0;
    s = await simulate(WORLD, {
      sim: { rateLimits: { limit: 4 }, now: () => clock },
      // The simulator's clock moves past the reset while the SDK waits.
      onProgress: (p) => {
        if (p.throttleWaits > waits) clock += 3_700_000;
        waits = p.throttleWaits;
      },
    });
    const run = await collectAll(s, CONFIG, { ...FAST, retryAfterBaseValue: 0.01 });
    expect(run.facts).toEqual(baseline.facts);
    const throttles = s.sim.accounting.snapshot().throttles;
    // Reads side by side may meet the same limit together; each waits once and goes on.
    expect(throttles.length).toBeGreaterThanOrEqual(2);
    for (const t of throttles) expect(t.reason).toBe('real:primary-rate-limit');
    expect(run.progress.at(-1)?.throttleWaits).toBe(throttles.length);
  });

  it('gives up on a primary limit that resets too late: throttled gaps, no wait', async () => {
    s = await simulate(WORLD, { sim: { rateLimits: { limit: 3 } } });
    const run = await collectAll(s, CONFIG);
    expect(run.setting).toMatchObject({ value: true });
    // The org and two reads beside it used the budget; every read that met the limit is a throttled gap.
    const throttled = run.gaps.filter((g) => g.code === 'throttled');
    expect(run.gaps.filter((g) => g.code !== 'throttled').map((g) => g.code)).toEqual(['not_supported']);
    expect(throttled.length).toBeGreaterThanOrEqual(4);
    for (const g of throttled) expect(g.message).toMatch(/API rate limit exceeded/);
    expect(run.progress.at(-1)?.throttleWaits).toBe(0);
    const { requests, served: ok } = served(s);
    expect(ok).toBe(3);
    expect(s.sim.accounting.snapshot().throttles).toHaveLength(requests - ok);
  });

  it('bounds the waits when throttled on every request, then says nothing of the org it never read', async () => {
    s = await simulate(WORLD, { faults: { throttleShare: 1 } });
    const run = await collectAll(s, CONFIG);
    expect(run.identities).toEqual([]);
    expect(run.setting).toBeUndefined();
    expect(run.logs).toEqual([]);
    expect(gapLines(run)).toEqual(['throttled setting,identity,logSource']);
    // Only the org was asked for: 1 + throttleRetries requests.
    const calls = 1;
    expect(run.progress.at(-1)?.throttleWaits).toBe(calls * FAST.throttleRetries!);
    expect(served(s).requests).toBe(calls * (FAST.throttleRetries! + 1));
  });
});

describe('credentials changing mid-run', () => {
  it('a token expiring mid-run: auth_failed gaps from there on, no further requests', async () => {
    s = await simulate(WORLD, { faults: { tokenExpiresAfter: 5 } });
    const run = await collectAll(s, CONFIG);
    expect(run.setting).toMatchObject({ value: true });
    // Every section not read by then says why; the requests already in flight are the only ones refused.
    expect(run.gaps.length).toBeGreaterThanOrEqual(5);
    for (const g of run.gaps) expect(g.code).toBe('auth_failed');
    expect(run.gaps.at(-1)?.covers).toEqual(['logSource']);
    const { requests, served: ok } = served(s);
    expect(ok).toBe(5);
    expect(requests).toBeLessThanOrEqual(5 + DEFAULT_CONCURRENCY);
  });

  it('member access revoked mid-run: permission_missing naming it on the member lists only', async () => {
    s = await simulate(WORLD, { faults: { revokePermission: { after: 5, permission: 'members:read' } } });
    const run = await collectAll(s, CONFIG);
    const lost = run.gaps.filter((g) => g.code === 'permission_missing');
    expect(lost.length).toBeGreaterThan(0);
    for (const g of lost) {
      expect(g.permission).toBe('read:org');
      expect(g.covers.every((c) => c.startsWith('identity') || c === 'setting.github.insecure_2fa_accounts')).toBe(
        true,
      );
    }
    expect(run.identities.length).toBeLessThan(baseline.identities.length);
    expect(run.logs).toEqual(baseline.logs);
  });

  it('administration access revoked mid-run: the 2FA filter and the audit log name what they lost', async () => {
    s = await simulate(WORLD, { faults: { revokePermission: { after: 2, permission: 'administration:read' } } });
    const run = await collectAll(s, CONFIG);
    expect(run.setting).toMatchObject({ value: true });
    expect(run.identities.every((i) => i.mfaRegistered === 'unknown')).toBe(true);
    expect(run.gaps.filter((g) => g.code === 'permission_missing').map((g) => [g.covers[0], g.permission])).toEqual([
      ['identity.mfaRegistered', 'organization owner'],
      ['logSource.admin_audit.lastEventAt', 'administration:read'],
    ]);
  });

  it('enterprise access revoked: the streams gap names it and the log sources stay', async () => {
    const revokePermission = { after: 0, permission: 'enterprise_administration:read' };
    s = await simulate(WORLD, { faults: { revokePermission } });
    const run = await collectAll(s, CONFIG);
    const gap = run.gaps.find((g) => g.covers.includes('logSource.admin_audit.destinations'));
    expect(gap).toMatchObject({ code: 'permission_missing', permission: 'enterprise_administration:read' });
    expect(run.logs.map((l) => l.destinations)).toEqual([[], []]);
    expect(run.logs.map((l) => l.lastEventAt)).toEqual(baseline.logs.map((l) => l.lastEventAt));
  });
});
