import { describe, expect, it } from 'vitest';
import { type BlobContainer, protectionOf } from './immutability.ts';
import { type LifecycleRule, lifecycleDays } from './lifecycle.ts';

const CONTAINER = 'insights-logs-signinlogs';
const del = (days: number, filters?: object, more: object = {}): LifecycleRule => ({
  name: 'r',
  type: 'Lifecycle',
  ...more,
  definition: {
    actions: { baseBlob: { delete: { daysAfterModificationGreaterThan: days } } },
    ...(filters ? { filters: { blobTypes: ['appendBlob'], ...filters } } : {}),
  },
});

/** Rules whose reach or age this cannot tell, each deleting after 10 days. */
const DOUBTFUL: [string, LifecycleRule][] = [
  ['blob index tags', del(10, { blobIndexMatch: [{ name: 'k', op: '==', value: 'v' }] })],
  ['a filter it does not know', del(10, { blobTierMatch: ['Hot'] })],
  ['filters without blob types', { ...del(10), definition: { ...del(10).definition, filters: {} } }],
  ['a rule type it does not know', del(10, undefined, { type: 'Archive' })],
  [
    'an age it does not know',
    { ...del(10), definition: { actions: { baseBlob: { delete: { daysAfterSomething: 10 } } } } },
  ],
  [
    'an age that is not a number',
    { ...del(10), definition: { actions: { baseBlob: { delete: { daysAfterModificationGreaterThan: '10' } } } } },
  ],
];

describe('lifecycle retention fails closed', () => {
  it.each(DOUBTFUL)('%s deleting sooner than the known rules makes retention unknown', (_, doubtful) => {
    expect(lifecycleDays([del(400), doubtful], CONTAINER)).toBe('unknown');
    expect(lifecycleDays([doubtful], CONTAINER)).toBe('unknown');
  });

  it('a doubtful rule deleting later than a known one changes nothing', () => {
    const later = del(900, { blobIndexMatch: [{ name: 'k', op: '==', value: 'v' }] });
    expect(lifecycleDays([del(400), later], CONTAINER)).toBe(400);
  });

  it('never reports longer than any delete that reaches the container', () => {
    const reaching = [
      del(30),
      del(30, { prefixMatch: ['insights-logs-sign'] }),
      del(30, { prefixMatch: [`${CONTAINER}/resourceId=`] }),
    ];
    for (const r of reaching) expect(lifecycleDays([del(365), r], CONTAINER)).toBe(30);
  });

  it('no delete at all is unknown: nothing keeps the logs either', () => {
    expect(lifecycleDays([], CONTAINER)).toBe('unknown');
    expect(lifecycleDays([del(5, { prefixMatch: ['insights-logs-auditlogs'] })], CONTAINER)).toBe('unknown');
  });
});

describe('immutability fails closed', () => {
  it('never says locked from an unlocked, disabled, unreadable or strange policy', () => {
    // As the wire may carry them: parsed JSON, whatever its types.
    const policy = (state: string | undefined, days: unknown = 365): BlobContainer =>
      JSON.parse(
        JSON.stringify({
          properties: {
            hasImmutabilityPolicy: true,
            immutabilityPolicy: { properties: { state, immutabilityPeriodSinceCreationInDays: days } },
          },
        }),
      );
    expect(protectionOf({}, policy('Unlocked')).locked).toBe(false);
    expect(protectionOf({}, policy('Locking')).locked).toBe('unknown');
    expect(protectionOf({}, policy(undefined)).locked).toBe('unknown');
    expect(protectionOf({}, policy('Locked', 'x')).locked).toBe('unknown');
    expect(protectionOf({}, 'unknown')).toEqual({ floorDays: 'unknown', locked: 'unknown' });
    expect(protectionOf('unknown', null)).toEqual({ floorDays: 'unknown', locked: 'unknown' });
    const versioning = (state: string) => ({
      properties: {
        immutableStorageWithVersioning: {
          enabled: true,
          immutabilityPolicy: { state, immutabilityPeriodSinceCreationInDays: 9 },
        },
      },
    });
    expect(protectionOf(versioning('Disabled'), null).locked).toBe(false);
    expect(protectionOf(versioning('Locked'), null)).toEqual({ floorDays: 9, locked: true, lockedDays: 9 });
  });
});
