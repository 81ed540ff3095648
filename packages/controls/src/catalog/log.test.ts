import type { Fact } from '@evident/core';
import { describe, it } from 'vitest';
import { ENTRA, GCP, hoursBefore, logSource, on, setting } from '../testing/builders.ts';
import { type Case, check } from '../testing/check.ts';

type Dest = NonNullable<Parameters<typeof logSource>[1]>['destinations'];
const dest = (over: Partial<NonNullable<Dest>[number]> = {}) => ({
  kind: 'log_analytics' as const,
  name: 'soc',
  boundary: 'separate' as const,
  retentionDays: 400,
  locked: true,
  lastDeliveredAt: hoursBefore(1),
  ...over,
});
const nativeOnly = (subject: string, days: number | 'unknown', over: Parameters<typeof logSource>[1] = {}) =>
  logSource(subject, { nativeRetentionDays: days, destinations: [], ...over });
const signIn = (subject: string, over: Parameters<typeof logSource>[1] = {}) =>
  logSource(subject, { category: 'sign_in', ...over });
const many = (n: number, make: (s: string) => Fact) => Array.from({ length: n }, (_, i) => make(`l${i}`));

const CASES: Record<string, Case[]> = {
  'LOG-01': [
    {
      name: 'fail when off everywhere',
      facts: [logSource('a', { enabled: false })],
      status: 'fail',
      why: /turned off/,
    },
    {
      name: 'unknown when too many cannot be read',
      facts: [logSource('a'), logSource('b', { enabled: 'unknown' })],
      status: 'unknown',
    },
    {
      name: 'not applicable when only other logs are reported',
      facts: [signIn('s')],
      status: 'not_applicable',
    },
  ],
  'LOG-02': [
    {
      name: 'partial when kept only natively for 90 days or more',
      facts: [signIn('s', { nativeRetentionDays: 180, destinations: [] })],
      status: 'partial',
      why: /kept only natively \(180 days natively\)/,
    },
    {
      name: 'fail when kept only natively for less, naming the Free licence',
      facts: on(ENTRA, [signIn('s', { nativeRetentionDays: 7, destinations: [] }), setting('entra.licence', 'free')]),
      status: 'fail',
      reason: /Entra ID Free/,
      why: /kept only 7 days natively, under 90/,
    },
    {
      name: 'unknown when neither exported nor its retention known',
      facts: [signIn('s', { nativeRetentionDays: 'unknown', destinations: [] })],
      status: 'unknown',
    },
    { name: 'fail when turned off', facts: [signIn('s', { enabled: false })], status: 'fail' },
    {
      name: 'every sign-in category counts, other logs do not',
      facts: [
        signIn('s'),
        logSource('n', { category: 'non_interactive_sign_in', destinations: [], nativeRetentionDays: 30 }),
        logSource('a', { destinations: [], nativeRetentionDays: 7 }),
      ],
      status: 'fail',
      failing: ['n'],
    },
    { name: 'not applicable without sign-in logs', facts: [logSource('a')], status: 'not_applicable' },
  ],
  'LOG-03': [
    {
      name: 'partial when only a secondary important log falls short',
      facts: [logSource('a'), nativeOnly('d', 30, { category: 'data_access' })],
      status: 'partial',
      failing: ['d'],
    },
    {
      name: 'fail when an admin audit log falls short',
      facts: [nativeOnly('a', 30)],
      status: 'fail',
      why: /kept at most 30 days, under 90/,
    },
    {
      name: 'pass on the longest known retention even when another is unreadable',
      facts: [
        logSource('a', {
          nativeRetentionDays: 30,
          destinations: [dest({ retentionDays: 'unknown' }), dest({ name: 'b', retentionDays: 120 })],
        }),
      ],
      status: 'pass',
    },
    {
      name: 'unknown when below the floor and some retention is unreadable',
      facts: [logSource('a', { nativeRetentionDays: 30, destinations: [dest({ retentionDays: 'unknown' })] })],
      status: 'unknown',
      why: /unreadable elsewhere/,
    },
    {
      name: 'unknown, not fail, when a short retention is only what is guaranteed',
      facts: [
        logSource('a', {
          nativeRetentionDays: 30,
          destinations: [dest({ retentionDays: 60, retentionAtLeast: true })],
        }),
      ],
      status: 'unknown',
      why: /at least 60 days in log_analytics soc/,
    },
    {
      name: 'logs that are not important are out of scope',
      facts: [logSource('a'), nativeOnly('x', 7, { important: false })],
      status: 'pass',
      coverage: [1, 1],
    },
    {
      name: 'the floor is a parameter',
      facts: [logSource('a')],
      params: { minRetentionDays: 500 },
      status: 'fail',
    },
    {
      name: 'not applicable without important logs',
      facts: [nativeOnly('x', 7, { important: false })],
      status: 'not_applicable',
    },
  ],
  'LOG-04': [
    {
      name: 'partial between 90 and 180 days',
      facts: [logSource('a'), nativeOnly('b', 120)],
      status: 'partial',
      reason: /1 is kept 90 to 179 days/,
    },
    { name: 'fail under 90 days', facts: [logSource('a'), nativeOnly('b', 60)], status: 'fail' },
    {
      name: 'unknown when below six months and some retention is unreadable',
      facts: [logSource('a', { nativeRetentionDays: 120, destinations: [dest({ retentionDays: 'unknown' })] })],
      status: 'unknown',
    },
    {
      name: 'a strict reading of six months is a parameter',
      facts: [nativeOnly('a', 180)],
      params: { minRetentionDays: 184 },
      status: 'partial',
    },
  ],
  'LOG-05': [
    {
      name: 'partial when exported only inside the admin boundary',
      facts: [logSource('a', { destinations: [dest({ boundary: 'same_admin_domain' })] })],
      status: 'partial',
      why: /inside the monitored admin boundary/,
    },
    {
      name: 'partial when the separate destination lags',
      facts: [logSource('a', { destinations: [dest({ lastDeliveredAt: hoursBefore(48) })] })],
      status: 'partial',
      why: /last delivered 2 days before collection/,
    },
    {
      name: 'partial when the separate destination never delivered',
      facts: [logSource('a', { destinations: [dest({ lastDeliveredAt: null })] })],
      status: 'partial',
      why: /never delivered/,
    },
    {
      name: 'one fresh separate destination is enough',
      facts: [logSource('a', { destinations: [dest({ lastDeliveredAt: null }), dest({ name: 'b' })] })],
      status: 'pass',
    },
    { name: 'fail when nothing is exported', facts: [nativeOnly('a', 400), nativeOnly('b', 400)], status: 'fail' },
    {
      name: 'unknown when the boundary cannot be told',
      facts: [logSource('a', { destinations: [dest({ boundary: 'unknown' })] })],
      status: 'unknown',
    },
  ],
  'LOG-06': [
    {
      name: 'pass through a locked destination when the native store is not locked',
      facts: [logSource('a', { locked: false, nativeRetentionDays: 30 })],
      status: 'pass',
    },
    {
      name: 'partial when protected only by a separate, unlocked store',
      facts: [logSource('a', { locked: false, destinations: [dest({ locked: false })] })],
      status: 'partial',
    },
    {
      name: 'partial when the lock is shorter than the retention asked for',
      facts: [logSource('a', { locked: true, nativeRetentionDays: 30, destinations: [] })],
      status: 'partial',
      why: /locked for 180 days/,
    },
    {
      name: 'partial, not pass, when a time-based lock ends before the retention asked for',
      facts: [
        logSource('a', {
          locked: false,
          destinations: [dest({ boundary: 'same_admin_domain', retentionDays: 730, lockedDays: 30 })],
        }),
      ],
      status: 'partial',
      why: /locked for 180 days/,
    },
    {
      name: 'fail when every copy is deletable by tenant admins',
      facts: [
        logSource('a', { locked: false, destinations: [dest({ boundary: 'same_admin_domain', locked: false })] }),
      ],
      status: 'fail',
      why: /deletable/,
    },
    {
      name: 'unknown when the lock cannot be read',
      facts: [logSource('a', { locked: 'unknown', destinations: [] })],
      status: 'unknown',
    },
  ],
  'LOG-07': [
    {
      name: 'partial when principals are exempted',
      facts: [logSource('d', { category: 'data_access', exemptions: ['svc@x', 'alice@x'] })],
      status: 'partial',
      why: /2 principals are exempted: alice@x, svc@x/,
    },
    {
      name: 'partial when git events are not streamed',
      facts: [logSource('g', { category: 'git', destinations: [] })],
      status: 'partial',
      why: /not streamed/,
    },
    {
      name: 'fail when off everywhere',
      facts: [logSource('d', { category: 'data_access', enabled: false })],
      status: 'fail',
    },
    { name: 'not applicable when no data-access log is reported', facts: [logSource('a')], status: 'not_applicable' },
  ],
  'LOG-09': [
    {
      name: 'partial after a day of silence',
      facts: [logSource('a', { lastEventAt: hoursBefore(30) })],
      status: 'partial',
      why: /the last event was 30 hours before collection/,
    },
    {
      name: 'fail when a destination has never received anything',
      facts: [logSource('a', { destinations: [dest({ lastDeliveredAt: null })] })],
      status: 'fail',
      why: /never received/,
    },
    {
      name: 'judges the longest silence, destinations included',
      facts: [logSource('a', { destinations: [dest({ lastDeliveredAt: hoursBefore(80) })] })],
      status: 'fail',
      why: /last delivery to log_analytics soc was 3 days/,
    },
    { name: 'fail when no event was ever recorded', facts: [logSource('a', { lastEventAt: null })], status: 'fail' },
    { name: 'fail when off', facts: [logSource('a', { enabled: false })], status: 'fail' },
    {
      name: 'unknown when the last event time cannot be read',
      facts: [...many(3, (s) => logSource(s)), logSource('z', { lastEventAt: 'unknown' })],
      status: 'unknown',
    },
  ],
};

const everything: Fact[] = [logSource('a'), signIn('s'), on(ENTRA, [setting('entra.licence', 'p2')])[0]!];

describe.each(Object.entries(CASES))('%s', (id, cases) => {
  it.each(cases)('$name', (c) => check(id, c).then(() => undefined));
});

describe.each(['LOG-08', 'LOG-10'])('%s, which nothing collects evidence for yet', (id) => {
  it('is unknown whatever is collected, saying what evidence it needs', () =>
    check(id, {
      name: 'always unknown',
      facts: on(GCP, everything),
      status: 'unknown',
      reason: /needs/,
      coverage: [0, 0],
    }).then((r) => {
      if (r.factsAsOf !== null || r.evidence.length > 0) throw new Error('no evidence should be claimed');
    }));
});
