import type { LifecycleRule } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { lifecycleDays, NEVER_EXPIRES_DAYS, trailLogPrefix } from './lifecycle.ts';

const NOW = new Date('2026-12-07T00:00:00Z');
const rule = (prefix: string, days: number, extra: Partial<LifecycleRule> = {}): LifecycleRule => ({
  ID: `${prefix}-${days}`,
  Status: 'Enabled',
  Filter: { Prefix: prefix },
  Expiration: { Days: days },
  ...extra,
});
const LOGS = 'ct/AWSLogs/111122223333/CloudTrail/';

describe('lifecycleDays', () => {
  it('keeps forever without a configuration or without an expiring rule', () => {
    expect(lifecycleDays(null, LOGS, NOW)).toBe(NEVER_EXPIRES_DAYS);
    expect(
      lifecycleDays([{ ID: 'x', Status: 'Enabled', Filter: { Prefix: '' }, Transitions: [{ Days: 30 }] }], LOGS, NOW),
    ).toBe(NEVER_EXPIRES_DAYS);
  });

  it('takes the shortest expiration among the rules that select the logs', () => {
    expect(lifecycleDays([rule('ct/AWSLogs/', 400), rule('', 30)], LOGS, NOW)).toBe(30);
    // Narrowed to one region, it still deletes that region's logs.
    expect(lifecycleDays([rule('ct/AWSLogs/', 400), rule(`${LOGS}eu-west-1/`, 7)], LOGS, NOW)).toBe(7);
  });

  it('ignores disabled rules, other prefixes, other accounts and tag filters', () => {
    const rules = [
      rule('ct/', 1, { Status: 'Disabled' }),
      rule('elsewhere/', 1),
      rule('ct/AWSLogs/999999999999/', 1),
      rule('ct/AWSLogs/111122223333/CloudTrail-Digest/', 1),
      { ID: 'tagged', Status: 'Enabled', Filter: { Tag: { Key: 'k', Value: 'v' } }, Expiration: { Days: 1 } },
      rule('ct/AWSLogs/', 365),
    ] as LifecycleRule[];
    expect(lifecycleDays(rules, LOGS, NOW)).toBe(365);
  });

  it('reads the legacy prefix and And filters, and an expiration date as the days left', () => {
    expect(lifecycleDays([{ ID: 'a', Status: 'Enabled', Prefix: 'ct/', Expiration: { Days: 60 } }], LOGS, NOW)).toBe(
      60,
    );
    expect(
      lifecycleDays(
        [{ ID: 'b', Status: 'Enabled', Filter: { And: { Prefix: 'ct/' } }, Expiration: { Days: 45 } }],
        LOGS,
        NOW,
      ),
    ).toBe(45);
    const date = new Date('2027-01-06T00:00:00Z');
    expect(
      lifecycleDays([{ ID: 'c', Status: 'Enabled', Filter: { Prefix: '' }, Expiration: { Date: date } }], LOGS, NOW),
    ).toBe(30);
  });
});

describe('trailLogPrefix', () => {
  it('is the account folder of a trail, and the AWSLogs folder of an organization trail', () => {
    expect(trailLogPrefix('ct/', '111122223333', false)).toBe(LOGS);
    expect(trailLogPrefix(undefined, '111122223333', false)).toBe('AWSLogs/111122223333/CloudTrail/');
    expect(trailLogPrefix('ct', '111122223333', true)).toBe('ct/AWSLogs/');
  });
});
