import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identity } from '../testing/sample-facts.ts';
import { openTestDatabase, seed, type TestDatabase } from '../testing/test-databases.ts';

describe('writeCollection while the connector waits on its provider [pg]', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase('pg');
  });
  afterAll(() => t?.close());

  it('holds no pooled connection in an open transaction', async () => {
    const s = await seed(t.store);
    const inTransaction = async () => {
      const rows = await t.database.drizzle.execute(sql`
        select count(*)::int as n from pg_stat_activity
        where datname = current_database() and state like 'idle in transaction%' and pid <> pg_backend_pid()`);
      return (rows as unknown as { rows: { n: number }[] }).rows[0]!.n;
    };
    const seen: number[] = [];
    async function* slowProvider() {
      yield identity(s.connection, 1);
      await new Promise((r) => setTimeout(r, 200));
      seen.push(await inTransaction());
      yield identity(s.connection, 2);
    }
    const written = await t.store.writeCollection(s.org, s.run, s.connection, slowProvider());
    expect(written.collection.factCount).toBe(2);
    expect(seen).toEqual([0]);
  });
});
