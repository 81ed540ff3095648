import type { CheckItem, CheckResult } from '@evident/connector-kit';
import type { Fact, GapCode } from '@evident/core';
import { describe, expect, it } from 'vitest';
import { attentionReason } from './handlers/collect.ts';
import { DiscardedCollection, watchFacts } from './verdict.ts';

const gap = (code: GapCode): Fact => ({
  type: 'gap',
  connection: 'con',
  provider: 'github',
  source: 'GET /x',
  observedAt: '2026-11-01T00:00:00.000Z',
  code,
  covers: ['identity'],
  message: `${code} happened`,
  remedy: 'try again',
});
const setting: Fact = {
  type: 'setting',
  connection: 'con',
  provider: 'github',
  source: 'GET /orgs/x',
  observedAt: '2026-11-01T00:00:00.000Z',
  subject: 'org',
  key: 'k',
  value: true,
} as unknown as Fact;

async function judge(facts: Fact[], deferrals = 0) {
  const watched = watchFacts(
    (async function* () {
      yield* facts;
    })(),
    { deferrals, maxDeferrals: 2 },
  );
  let passed = 0;
  let discarded = false;
  try {
    for await (const _ of watched.facts) passed++;
  } catch (error) {
    discarded = error instanceof DiscardedCollection;
  }
  return { verdict: watched.verdict(), passed, discarded };
}

describe('judging a collection', () => {
  it('keeps clean collections and those with permanent gaps only', async () => {
    expect((await judge([setting])).verdict).toEqual({ kind: 'keep' });
    expect((await judge([setting, gap('permission_missing'), gap('licence_required')])).verdict).toEqual({
      kind: 'keep',
    });
    expect((await judge([])).verdict).toEqual({ kind: 'keep' });
  });

  it('discards, after the last fact, any collection with an auth failure or a provider error', async () => {
    const auth = await judge([setting, gap('auth_failed'), gap('auth_failed')]);
    expect(auth).toMatchObject({ passed: 3, discarded: true });
    expect(auth.verdict).toMatchObject({
      kind: 'discard',
      authFailed: true,
      reason: /auth_failed.*auth_failed happened/,
    });
    const down = await judge([setting, gap('provider_error')]);
    expect(down.verdict).toMatchObject({ kind: 'discard', authFailed: false });
    if (down.verdict?.kind === 'discard') expect(down.verdict.gaps).toHaveLength(1);
    expect((await judge([gap('permission_missing')])).verdict).toMatchObject({ kind: 'discard' });
  });

  it('defers a throttled collection up to the bound, then discards it', async () => {
    expect((await judge([setting, gap('throttled'), gap('permission_missing')])).verdict).toEqual({ kind: 'defer' });
    expect((await judge([setting, gap('throttled')], 1)).verdict).toEqual({ kind: 'defer' });
    expect((await judge([setting, gap('throttled')], 2)).verdict).toMatchObject({ kind: 'discard' });
    expect((await judge([setting, gap('throttled'), gap('auth_failed')])).verdict).toMatchObject({ kind: 'discard' });
  });
});

describe('a connection that needs attention', () => {
  const item = (name: string, status: CheckItem['status']): CheckItem => ({
    name,
    kind: 'permission',
    status,
    message: '',
  });

  it('still does while its access check fails, naming what is not granted', async () => {
    const check = async (): Promise<CheckResult> => ({
      ok: false,
      items: [item('Policy.Read.All', 'missing'), item('User.Read.All', 'granted'), item('read:org', 'unknown')],
    });
    expect(await attentionReason(check)).toBe(
      'The access check still fails: Policy.Read.All is missing; read:org could not be checked.',
    );
  });

  it('is cleared once the check passes, and kept when the check cannot run', async () => {
    expect(await attentionReason(async () => ({ ok: true, items: [item('User.Read.All', 'granted')] }))).toBeNull();
    expect(
      await attentionReason(async () => {
        throw new Error('socket hang up');
      }),
    ).toBe('the access check could not run: socket hang up');
  });
});
