import { z } from 'zod';

export const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;

const validZone = (tz: string) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

/** A daily or weekly digest at a wall-clock time of an IANA time zone. */
export const digestSchedule = z
  .strictObject({
    period: z.enum(['daily', 'weekly']).describe('Send once a day, or once a week'),
    at: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'the time must be HH:MM on a 24-hour clock, e.g. 08:30')
      .describe('Local time of day the digest is sent, HH:MM'),
    timeZone: z
      .string()
      .min(1)
      .max(64)
      .refine(validZone, { message: 'the time zone must be an IANA name such as Europe/Berlin' })
      .describe('IANA time zone of that time, e.g. Europe/Berlin'),
    weekday: z.enum(WEEKDAYS).optional().describe('Day of the week of a weekly digest'),
  })
  .superRefine((s, ctx) => {
    if (s.period === 'weekly' && !s.weekday) {
      ctx.addIssue({ code: 'custom', path: ['weekday'], message: 'a weekly digest needs its weekday' });
    }
    if (s.period === 'daily' && s.weekday) {
      ctx.addIssue({ code: 'custom', path: ['weekday'], message: 'a daily digest has no weekday' });
    }
  });
export type DigestSchedule = z.infer<typeof digestSchedule>;

/** The wall-clock fields of an instant in a zone. */
function wallClock(at: Date, timeZone: string) {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    weekday: 'long',
  }).formatToParts(at);
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  return {
    y: Number(get('year')),
    m: Number(get('month')),
    d: Number(get('day')),
    h: Number(get('hour')),
    min: Number(get('minute')),
    s: Number(get('second')),
    weekday: get('weekday').toLowerCase(),
  };
}

/** The instant a wall-clock time of a zone names (the later reading where a clock change repeats an hour). */
function instantOf(y: number, m: number, d: number, h: number, min: number, timeZone: string): Date {
  const asUtc = Date.UTC(y, m - 1, d, h, min);
  let guess = asUtc;
  for (let i = 0; i < 3; i++) {
    const w = wallClock(new Date(guess), timeZone);
    const offset = Date.UTC(w.y, w.m - 1, w.d, w.h, w.min, w.s) - guess;
    guess = asUtc - offset;
  }
  return new Date(guess);
}

/** The latest scheduled send at or before `now`: a digest covers what arrived before it and was not yet sent. */
export function digestDue(schedule: DigestSchedule, now: Date): Date {
  const [h, min] = schedule.at.split(':').map(Number) as [number, number];
  const today = wallClock(now, schedule.timeZone);
  for (let back = 0; back <= 8; back++) {
    const day = new Date(Date.UTC(today.y, today.m - 1, today.d - back));
    const at = instantOf(day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate(), h, min, schedule.timeZone);
    if (at > now) continue;
    if (schedule.period === 'weekly' && wallClock(at, schedule.timeZone).weekday !== schedule.weekday) continue;
    return at;
  }
  throw new Error('no scheduled digest in the last eight days');
}
