import { expect, it } from 'vitest';
import { describeBothDrivers, seed } from '../testing/test-databases.ts';
import { watchTargets } from '../watch-targets.ts';

const change = (id: string, at: string) => ({
  id,
  at,
  actor: 'mallory@example.com',
  action: 'Update policy',
  target: 'MFA',
});

describeBothDrivers('connection watches', (t) => {
  it('overlapping reads add each change once; the pending ones are taken by exactly one run', async () => {
    const { store } = t();
    const s = await seed(store);
    expect((await store.watchState(s.org, s.connection)).cursor).toBeNull();
    const first = await store.recordWatchRead(s.org, s.connection, {
      cursor: 'c1',
      readAt: new Date('2026-12-01T10:00:00Z'),
      events: [change('e1', '2026-12-01T09:58:00Z'), change('e2', '2026-12-01T09:59:00Z')],
    });
    expect(first.fresh.map((e) => e.id)).toEqual(['e1', 'e2']);
    const overlap = await store.recordWatchRead(s.org, s.connection, {
      cursor: 'c2',
      readAt: new Date('2026-12-01T10:01:00Z'),
      events: [change('e2', '2026-12-01T09:59:00Z'), change('e3', '2026-12-01T10:00:30Z')],
      skipped: [{ id: null, reason: 'not a directory audit' }],
    });
    expect(overlap.fresh).toEqual([{ connectionId: s.connection, ...change('e3', '2026-12-01T10:00:30Z') }]);
    expect((await store.watchState(s.org, s.connection)).cursor).toBe('c2');
    const [watch] = await store.listWatches(s.org, { tenantId: s.tenant });
    expect(watch).toMatchObject({
      started: true,
      pending: 3,
      lastReadAt: '2026-12-01T10:01:00.000Z',
      lastChangeAt: '2026-12-01T10:00:30.000Z',
      error: null,
      skipped: [{ id: null, reason: 'not a directory audit' }],
    });

    const taken = await store.transaction(async (tx) => {
      const changes = await tx.takePendingChanges(s.org, s.tenant);
      await tx.setRunChanges(s.org, s.run, changes);
      return changes;
    });
    expect(taken.map((e) => e.id)).toEqual(['e1', 'e2', 'e3']);
    expect(await store.takePendingChanges(s.org, s.tenant)).toEqual([]);
    expect((await store.runChanges(s.org, s.run)).map((e) => e.actor)).toEqual(Array(3).fill('mallory@example.com'));
    expect([...(await store.changesOfRuns(s.org, [s.run])).keys()]).toEqual([s.run]);
    // Seen and taken: a later read that overlaps them adds nothing.
    const again = await store.recordWatchRead(s.org, s.connection, {
      cursor: 'c3',
      readAt: new Date('2026-12-01T10:02:00Z'),
      events: [change('e3', '2026-12-01T10:00:30Z')],
    });
    expect(again.fresh).toEqual([]);
  });

  it('a failed read keeps the cursor and says why until the next good read', async () => {
    const { store } = t();
    const s = await seed(store);
    await store.recordWatchRead(s.org, s.connection, { cursor: 'c1', readAt: new Date(), events: [] });
    await store.recordCollectionCost(s.org, s.connection, 24);
    await store.recordWatchFailure(s.org, s.connection, {
      code: 'permission_missing',
      message: 'Graph refused the request (needs AuditLog.Read.All)',
      at: new Date('2026-12-01T10:00:00Z'),
    });
    expect(await store.watchState(s.org, s.connection)).toMatchObject({
      cursor: 'c1',
      lastReadAt: '2026-12-01T10:00:00.000Z',
    });
    expect((await store.listWatches(s.org))[0]).toMatchObject({ collectionRequests: 24, readRequests: 1 });
    expect((await store.listWatches(s.org))[0]?.error).toEqual({
      code: 'permission_missing',
      message: 'Graph refused the request (needs AuditLog.Read.All)',
      at: '2026-12-01T10:00:00.000Z',
    });
    await store.recordWatchRead(s.org, s.connection, { cursor: 'c2', readAt: new Date(), events: [] });
    expect((await store.listWatches(s.org))[0]?.error).toBeNull();
  });

  it('the scheduler sees every live connection, and none disabled', async () => {
    const { store, database } = t();
    const s = await seed(store);
    expect((await watchTargets(database)).map((w) => w.connectionId)).toContain(s.connection);
    await store.setConnectionStatus(s.org, s.connection, 'disabled', 'paused');
    expect((await watchTargets(database)).map((w) => w.connectionId)).not.toContain(s.connection);
  });
});
