import { describe, expect, it } from 'vitest';
import { effectiveRetention, fact, gapCovers } from './facts.ts';
import { idSchema, isId, newId } from './ids.ts';
import { statusRank, worstStatus } from './result.ts';

describe('ids', () => {
  it('carry their prefix, sort by time and validate', () => {
    const a = newId('ten', 1_000);
    const b = newId('ten', 2_000);
    expect(a).toMatch(/^ten_[0-9a-z]{26}$/);
    expect(a < b).toBe(true);
    expect(isId('ten', a)).toBe(true);
    expect(isId('org', a)).toBe(false);
    expect(idSchema('ten').safeParse('ten_nope').success).toBe(false);
  });
});

describe('facts', () => {
  const base = {
    connection: 'c',
    provider: 'entra',
    source: 'GET /users',
    observedAt: '2026-11-01T00:00:00Z',
  } as const;

  it('parse an identity and fill documented defaults', () => {
    const parsed = fact.parse({
      ...base,
      type: 'identity',
      subject: 'u1',
      name: 'a@x',
      kind: 'human',
      enabled: true,
      privileged: false,
      mfaRegistered: true,
      phishingResistantRegistered: false,
      mfaEnforced: 'unknown',
      enforcementSource: 'unknown',
      enforcementReason: 'unknown',
    });
    expect(parsed).toMatchObject({ mspPrincipal: 'unknown', lastSignIn: 'unknown', roles: [] });
  });

  it('reject an unknown type and a wrong field type', () => {
    expect(fact.safeParse({ ...base, type: 'nope' }).success).toBe(false);
    expect(fact.safeParse({ ...base, type: 'setting', subject: 'x', scope: 's', value: {} }).success).toBe(false);
  });

  it('match gaps to needs from broader to narrower only', () => {
    expect(gapCovers('identity', 'identity.privileged')).toBe(true);
    expect(gapCovers('identity.privileged', 'identity.privileged')).toBe(true);
    expect(gapCovers('identity.lastSignIn', 'identity')).toBe(false);
    expect(gapCovers('identity', 'identityX')).toBe(false);
  });

  it('take the longest retention and say when some could not be read', () => {
    const dest = { kind: 'log_bucket', name: 'b', boundary: 'separate', locked: false } as const;
    expect(effectiveRetention({ nativeRetentionDays: 30, destinations: [{ ...dest, retentionDays: 400 }] })).toEqual({
      atLeast: 400,
      exact: true,
    });
    expect(
      effectiveRetention({ nativeRetentionDays: 30, destinations: [{ ...dest, retentionDays: 'unknown' }] }),
    ).toEqual({ atLeast: 30, exact: false });
    expect(effectiveRetention({ nativeRetentionDays: 'unknown', destinations: [] })).toEqual({
      atLeast: null,
      exact: false,
    });
    const floor = { ...dest, retentionDays: 60, retentionAtLeast: true };
    expect(effectiveRetention({ nativeRetentionDays: 30, destinations: [floor] })).toEqual({
      atLeast: 60,
      exact: false,
    });
  });
});

describe('statuses', () => {
  it('combine to the worst, ignoring not_applicable', () => {
    expect(worstStatus(['pass', 'not_applicable'])).toBe('pass');
    expect(worstStatus(['pass', 'unknown', 'partial'])).toBe('unknown');
    expect(worstStatus(['unknown', 'fail'])).toBe('fail');
    expect(worstStatus([])).toBe('not_applicable');
    expect(statusRank('pass')).toBeGreaterThan(statusRank('partial'));
  });
});
