import { type FactInput, fact, InvalidInputError } from '@evident/core';
import { expect, it } from 'vitest';
import { gap, identities, identity } from '../testing/sample-facts.ts';
import { describeBothDrivers, seed } from '../testing/test-databases.ts';
import { BATCH_CHARS } from './fact-batches.ts';

async function* slowly(facts: Iterable<FactInput>): AsyncGenerator<FactInput> {
  for (const f of facts) {
    await Promise.resolve();
    yield f;
  }
}

async function collect<T>(source: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of source) out.push(x);
  return out;
}

describeBothDrivers('collections and facts', (t) => {
  it('writes a collection once per (run, connection): a retry adds nothing and reads nothing', async () => {
    const { store } = t();
    const s = await seed(store);
    const first = await store.writeCollection(s.org, s.run, s.connection, [
      identity(s.connection, 1),
      gap(s.connection),
    ]);
    expect(first.created).toBe(true);
    expect(first.collection).toMatchObject({ status: 'partial', factCount: 1, gapCount: 1, error: null });

    const untouched = {
      [Symbol.iterator]() {
        throw new Error('a retry must not read the facts again');
      },
    } as Iterable<FactInput>;
    const retry = await store.writeCollection(s.org, s.run, s.connection, untouched);
    expect(retry.created).toBe(false);
    expect(retry.collection).toEqual(first.collection);
    expect(await store.listCollections(s.org, s.run)).toHaveLength(1);
    expect(await collect(store.collectionFacts(s.org, first.collection.id))).toHaveLength(2);
  });

  it('lets only one of two concurrent writes of the same collection through', async () => {
    const { store } = t();
    const s = await seed(store);
    const [a, b] = await Promise.all([
      store.writeCollection(s.org, s.run, s.connection, slowly(identities(s.connection, 300))),
      store.writeCollection(s.org, s.run, s.connection, slowly(identities(s.connection, 300))),
    ]);
    expect([a.created, b.created].sort()).toEqual([false, true]);
    expect(a.collection.id).toBe(b.collection.id);
    expect(await collect(store.latestFacts(s.org, s.tenant))).toHaveLength(300);
  });

  it('writes 50,000 facts in batched statements and streams them back in order', async () => {
    const { store, queries } = t();
    const s = await seed(store);
    queries.length = 0;
    const written = await store.writeCollection(s.org, s.run, s.connection, slowly(identities(s.connection, 50_000)));
    const inserts = queries.filter((q) => /insert into "facts"/i.test(q));
    // A batch ends before the fact that would take its JSON past BATCH_CHARS (these facts are far below 2,000 rows).
    let expected = 0;
    let chars = BATCH_CHARS;
    for (const f of identities(s.connection, 50_000)) {
      const length = JSON.stringify(fact.parse(f)).length;
      if (chars + length > BATCH_CHARS) {
        expected++;
        chars = 0;
      }
      chars += length;
    }
    expect(expected).toBeGreaterThan(300);
    expect(written.batches).toBe(expected);
    expect(inserts).toHaveLength(expected);
    expect(queries.length).toBeLessThan(expected + 15);
    expect(written.collection).toMatchObject({ status: 'succeeded', factCount: 50_000, gapCount: 0 });

    queries.length = 0;
    let n = 0;
    for await (const f of store.latestFacts(s.org, s.tenant)) {
      if (f.type !== 'identity' || f.subject !== `u${n}`)
        throw new Error(`fact ${n} came back as ${f.type} ${'subject' in f ? f.subject : ''}`);
      n++;
    }
    expect(n).toBe(50_000);
    const pages = queries.filter((q) => /from "facts"/i.test(q));
    expect(pages.length).toBeGreaterThanOrEqual(25);
    expect(pages.length).toBeLessThanOrEqual(27);
  });

  it('stores the parsed fact, defaults included, and gives it back equal', async () => {
    const { store } = t();
    const s = await seed(store);
    const { collection } = await store.writeCollection(s.org, s.run, s.connection, [
      identity(s.connection, 7),
      gap(s.connection),
    ]);
    const [back, g] = await collect(store.collectionFacts(s.org, collection.id));
    expect(back).toMatchObject({ type: 'identity', subject: 'u7', roles: [], external: false, lastSignIn: 'unknown' });
    expect(g).toMatchObject({ type: 'gap', code: 'permission_missing', covers: ['logSource.git'] });
  });

  it('rolls everything back when the stream fails, so the retry starts clean', async () => {
    const { store } = t();
    const s = await seed(store);
    async function* broken() {
      yield* identities(s.connection, 2_500);
      throw new Error('provider went away');
    }
    await expect(store.writeCollection(s.org, s.run, s.connection, broken())).rejects.toThrow('provider went away');
    expect(await store.listCollections(s.org, s.run)).toEqual([]);
    const retry = await store.writeCollection(s.org, s.run, s.connection, identities(s.connection, 3));
    expect(retry.created).toBe(true);
    expect(retry.collection.factCount).toBe(3);
  });

  it('refuses an invalid fact, naming it, and writes nothing', async () => {
    const { store } = t();
    const s = await seed(store);
    const bad = { ...identity(s.connection, 1), enforcementSource: 'magic' } as unknown as FactInput;
    const error = await store
      .writeCollection(s.org, s.run, s.connection, [identity(s.connection, 0), bad])
      .catch((e) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.message).toBe('fact 1 is not valid');
    expect(await store.listCollections(s.org, s.run)).toEqual([]);
  });

  it('refuses a connection of another tenant', async () => {
    const { store } = t();
    const s = await seed(store);
    const other = await store.createTenant(s.org, { name: 'Fabrikam', kind: 'customer' });
    const run = await store.createRun(s.org, { tenantId: other.id, trigger: 'schedule' });
    await expect(store.writeCollection(s.org, run.id, s.connection, [])).rejects.toBeInstanceOf(InvalidInputError);
  });

  it('streams the newest good collection of each enabled connection', async () => {
    const { store } = t();
    const s = await seed(store);
    const second = await store.createConnection(s.org, {
      tenantId: s.tenant,
      kind: 'entra',
      name: 'contoso-entra',
      config: {},
      secret: { clientSecret: 'x' },
    });
    const disabled = await store.createConnection(s.org, {
      tenantId: s.tenant,
      kind: 'gcp-logging',
      name: 'contoso-gcp',
      config: {},
      secret: {},
    });
    const start = Date.now() - 60_000;
    const runAt = (i: number) =>
      store.createRun(s.org, { tenantId: s.tenant, trigger: 'schedule', startedAt: new Date(start + i * 1000) });
    const r1 = await runAt(1);
    const r2 = await runAt(2);
    await store.writeCollection(s.org, r1.id, s.connection, [identity(s.connection, 1)]);
    await store.writeCollection(s.org, r1.id, second.id, [identity(second.id, 100)]);
    await store.writeCollection(s.org, r1.id, disabled.id, [identity(disabled.id, 200)]);
    await store.writeCollection(s.org, r2.id, s.connection, [identity(s.connection, 2), identity(s.connection, 3)]);
    await store.writeCollection(s.org, r2.id, second.id, [gap(second.id)], { error: 'token expired' });
    await store.setConnectionStatus(s.org, disabled.id, 'disabled', 'removed by the customer');

    const latest = await store.latestCollections(s.org, s.tenant);
    expect(latest.map((c) => [c.connectionId, c.runId]).sort()).toEqual(
      [
        [s.connection, r2.id],
        [second.id, r1.id],
      ].sort(),
    );
    const subjects = (await collect(store.latestFacts(s.org, s.tenant, { pageSize: 1 }))).map((f) =>
      'subject' in f ? f.subject : f.type,
    );
    expect(subjects.sort()).toEqual(['u100', 'u2', 'u3']);
  });
});
