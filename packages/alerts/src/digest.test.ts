import { describe, expect, it } from 'vitest';
import { digestDue, digestSchedule } from './digest.ts';
import { alertRuleInput } from './rules.ts';

describe('digest schedules', () => {
  it('refuses an unknown time zone, a bad time and a weekly digest without its day, with clear messages', () => {
    const bad = (input: object) => digestSchedule.safeParse(input).error?.issues.map((i) => i.message);
    expect(bad({ period: 'daily', at: '08:00', timeZone: 'Mars/Olympus' })).toEqual([
      'the time zone must be an IANA name such as Europe/Berlin',
    ]);
    expect(bad({ period: 'daily', at: '24:00', timeZone: 'UTC' })).toEqual([
      'the time must be HH:MM on a 24-hour clock, e.g. 08:30',
    ]);
    expect(bad({ period: 'weekly', at: '08:00', timeZone: 'UTC' })).toEqual(['a weekly digest needs its weekday']);
    expect(
      alertRuleInput.safeParse({ channelId: 'ach_1', digest: { period: 'daily', at: '8:00', timeZone: 'UTC' } })
        .success,
    ).toBe(false);
    expect(alertRuleInput.parse({ channelId: 'ach_1' }).digest).toBeNull();
  });

  it('finds the latest scheduled send in the zone, across a clock change', () => {
    const daily = digestSchedule.parse({ period: 'daily', at: '08:30', timeZone: 'Europe/Berlin' });
    expect(digestDue(daily, new Date('2026-12-07T07:29:00Z')).toISOString()).toBe('2026-12-06T07:30:00.000Z');
    expect(digestDue(daily, new Date('2026-12-07T07:30:00Z')).toISOString()).toBe('2026-12-07T07:30:00.000Z');
    // Summer time: 08:30 in Berlin is 06:30 UTC.
    expect(digestDue(daily, new Date('2026-07-01T12:00:00Z')).toISOString()).toBe('2026-07-01T06:30:00.000Z');
    const weekly = digestSchedule.parse({
      period: 'weekly',
      at: '17:00',
      timeZone: 'America/New_York',
      weekday: 'friday',
    });
    // Monday 2026-12-07: the last Friday 17:00 in New York (UTC-5) was 2026-12-04 22:00 UTC.
    expect(digestDue(weekly, new Date('2026-12-07T12:00:00Z')).toISOString()).toBe('2026-12-04T22:00:00.000Z');
  });
});
