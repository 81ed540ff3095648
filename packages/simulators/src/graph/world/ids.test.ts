import { describe, expect, it } from 'vitest';
import { guid, unit, unitsOf } from '../../rng.ts';

// Worlds are fixed by their seed: a faster hash must give every id and draw it gave before.
describe('generated ids and draws', () => {
  it('keeps the ids users have always had', () => {
    expect(guid(7, 't001', 'user', 0)).toBe('eaa6ab5f-7fa5-41e0-a8ab-56d50638869a');
    expect(guid(7, 't001', 'user', 4999)).toBe('be1c8f5e-4f0b-4b9e-a34d-9a35a8c790a3');
    expect(guid(42)).toBe('f620e7e2-4ee4-4327-a78d-85ba1868bca4');
  });

  it('draws of one key are the draws unit gives', () => {
    expect(unit(7, 't001', 'user', 12, 'created')).toBe(0.2625102181918919);
    expect(unitsOf(7, 't001', 'user', 12)('created')).toBe(0.2625102181918919);
    expect(unitsOf(7, 't001', 'user', 12)(3)).toBe(0.34138911380432546);
    for (let i = 0; i < 200; i++) {
      const key = ['t9', 'user', i].slice(0, i % 4);
      for (const what of ['accepted', 'ni', 0, ''])
        expect([i, key, what, unitsOf(i, ...key)(what)]).toEqual([i, key, what, unit(i, ...key, what)]);
    }
  });
});
