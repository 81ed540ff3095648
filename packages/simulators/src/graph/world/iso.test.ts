import { expect, it } from 'vitest';
import { isoTime } from './iso.ts';

it('formats a time as Date#toISOString does, to the millisecond', () => {
  const edges = [0, -1, 0.9, 86_399_999, 951_782_400_000, 1_709_164_800_000, 253_402_300_799_999, -62_167_219_200_000];
  for (const ms of edges) expect([ms, isoTime(ms)]).toEqual([ms, new Date(ms).toISOString()]);
  // Spread over 1843–2096, fractional milliseconds included (a Date truncates them).
  for (let k = 0; k < 20_000; k++) {
    const ms = (k / 20_000 - 0.5) * 8e12 + (k % 7) / 7;
    expect([ms, isoTime(ms)]).toEqual([ms, new Date(ms).toISOString()]);
  }
  expect(isoTime(253_402_300_800_000)).toBe('+010000-01-01T00:00:00.000Z');
});
