import type { ControlResult } from '@evident/core';
import { expect, it } from 'vitest';
import { describeBothDrivers, seed } from '../testing/test-databases.ts';

const failing = Array.from({ length: 7 }, (_, i) => ({ connection: 'c', subject: `u${i}`, why: `reason ${i}` }));
const result = (controlId: string, subjects: typeof failing): ControlResult => ({
  controlId,
  status: subjects.length > 0 ? 'fail' : 'pass',
  coverage: { numerator: 1, denominator: 8 },
  reason: 'r',
  failing: subjects,
  excepted: [],
  evidence: [],
  factsAsOf: null,
  evaluatedAt: '2026-11-20T10:00:00.000Z',
});

describeBothDrivers('result subjects', (t) => {
  it('cuts subject lists in the heads and streams them whole, page by page, only to their organization', async () => {
    const { store } = t();
    const a = await seed(store);
    const b = await seed(store);
    await store.writeResults(a.org, a.run, [result('MFA-01', failing), result('MFA-02', [])]);
    const heads = await store.runResultHeads(a.org, a.run, { keep: 3 });
    expect(heads.map((h) => [h.result.controlId, h.result.failing.length, h.failingCount, h.exceptedCount])).toEqual([
      ['MFA-01', 3, 7, 0],
      ['MFA-02', 0, 0, 0],
    ]);
    expect(heads[0]!.result.failing).toEqual(failing.slice(0, 3));
    const all = [];
    for await (const s of store.resultSubjects(a.org, a.run, 'MFA-01', 'failing', { pageSize: 2 })) all.push(s);
    expect(all).toEqual(failing);
    const stolen = [];
    for await (const s of store.resultSubjects(b.org, a.run, 'MFA-01', 'failing')) stolen.push(s);
    expect(stolen).toEqual([]);
    expect(await store.runResultHeads(b.org, a.run)).toEqual([]);
  });
});
