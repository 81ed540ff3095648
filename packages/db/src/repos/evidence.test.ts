import type { ControlResult, FailingSubject } from '@evident/core';
import { expect, it } from 'vitest';
import { createDatabase, type Database } from '../client.ts';
import { createStore, type Store } from '../store.ts';
import { describeBothDrivers, seed, type TestDatabase } from '../testing/test-databases.ts';
import type { EvidencePageInput } from './evidence.ts';

const NAMES = ['Ada Lovelace', 'Grace Hopper', 'Alan Turing', 'Édith Piaf', '50%_off\\deal', 'ADA.admin'];
const failing: FailingSubject[] = Array.from({ length: 1_200 }, (_, i) => ({
  connection: 'entra',
  subject: `u${String((i * 7919) % 1_200).padStart(5, '0')}`,
  ...(i % 11 === 0 ? {} : { name: `${NAMES[i % NAMES.length]} ${i}` }),
  why: i % 2 ? 'mfa_not_registered' : 'mfa_not_enforced',
}));
const result: ControlResult = {
  controlId: 'MFA-01',
  status: 'fail',
  coverage: { numerator: 0, denominator: failing.length },
  reason: 'r',
  failing,
  excepted: [],
  evidence: [],
  factsAsOf: null,
  evaluatedAt: '2026-11-20T10:00:00.000Z',
};

const TERMS = ['ada', 'ADA', 'lovelace 13', 'u0012', 'édith', '%', '_', '\\', '50%_', 'x', 'zz-none', 'a'];

/** What a search means, computed here: subject or name contains the term, case-insensitive; sorted by subject. */
const expected = (term: string) =>
  failing
    .map((s, i) => ({ s, ord: i + 1 }))
    .filter(({ s }) => `${s.subject} ${s.name ?? ''}`.toLowerCase().includes(term.toLowerCase()))
    .sort((a, b) => (a.s.subject < b.s.subject ? -1 : a.s.subject > b.s.subject ? 1 : a.ord - b.ord))
    .map(({ s }) => [s.subject, s.name ?? null]);

async function everyPage(store: Store, ids: Awaited<ReturnType<typeof seed>>, input: EvidencePageInput) {
  const out: Array<[string, string | null]> = [];
  let after: EvidencePageInput['after'];
  for (;;) {
    const page = await store.evidencePage(ids.org, ids.run, 'MFA-01', { ...input, after, limit: 97 });
    out.push(...page.rows.map((r): [string, string | null] => [r.subject, r.name]));
    if (!page.next) return out;
    after = page.next;
  }
}

/** A handle whose one session may not scan the table or walk a btree: the search has to go through trigrams. */
async function trigramsOnly(t: TestDatabase): Promise<{ database: Database; store: Store; close(): Promise<void> }> {
  const database =
    t.database.driver === 'pg'
      ? await createDatabase({ url: String(t.database.pool.options.connectionString), maxConnections: 1 })
      : t.database;
  const exec = (sql: string) =>
    database.driver === 'pg' ? database.pool.query(sql) : database.client.exec(sql).then(() => undefined);
  await exec('set enable_seqscan = off');
  await exec('set enable_indexscan = off');
  return {
    database,
    store: createStore(database, { secrets: { current: t.key } }),
    close: async () => {
      await exec('reset enable_seqscan');
      await exec('reset enable_indexscan');
      if (database !== t.database) await database.close();
    },
  };
}

describeBothDrivers('evidence pages', (t) => {
  it('search finds every subject whose id or name contains the term, whatever plan answers it', async () => {
    const ids = await seed(t().store);
    await t().store.writeResults(ids.org, ids.run, [result]);
    for (const term of TERMS)
      expect(await everyPage(t().store, ids, { kind: 'failing', search: term }), term).toEqual(expected(term));

    const forced = await trigramsOnly(t());
    try {
      const plan = async (sql: string) =>
        JSON.stringify(
          forced.database.driver === 'pg'
            ? (await forced.database.pool.query(sql)).rows
            : (await forced.database.client.query(sql)).rows,
        );
      expect(
        await plan(`explain select ord from result_subjects where search like '%lovelace%' order by subject limit 5`),
      ).toContain('result_subjects_search_trgm_idx');
      for (const term of TERMS)
        expect(await everyPage(forced.store, ids, { kind: 'failing', search: term }), term).toEqual(expected(term));
    } finally {
      await forced.close();
    }
  });
});
