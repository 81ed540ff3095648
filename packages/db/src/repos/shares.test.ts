import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { describeBothDrivers, openRuntimeDatabase, seed } from '../testing/test-databases.ts';

describeBothDrivers('the share access log', (t) => {
  it('pages newest first, as the runtime role, each access once while others are recorded', async () => {
    const runtime = await openRuntimeDatabase(t());
    try {
      const { store } = runtime;
      const a = await seed(store);
      const owner = await store.createUser(a.org, { email: `${a.org.toLowerCase()}@x.example`, role: 'owner' });
      const share = await store.createShare(a.org, createHash('sha256').update(randomBytes(32)).digest('hex'), {
        tenantId: a.tenant,
        label: 'Auditor',
        sections: ['status'],
        createdBy: owner.id,
        expiresAt: new Date(Date.now() + 60_000),
      });
      const record = (what: string) =>
        store.recordShareAccess(a.org, share.id, { address: null, userAgent: null, what });
      for (let i = 1; i <= 7; i++) await record(`read ${i}`);

      const first = await store.listShareAccesses(a.org, share.id, { limit: 3 });
      expect(first.accesses.map((x) => x.what)).toEqual(['read 7', 'read 6', 'read 5']);
      // Recorded between two pages: it belongs to the top of the log, not to the next page.
      await record('read 8');
      const second = await store.listShareAccesses(a.org, share.id, { limit: 3, before: first.next! });
      expect(second.accesses.map((x) => x.what)).toEqual(['read 4', 'read 3', 'read 2']);
      const last = await store.listShareAccesses(a.org, share.id, { limit: 3, before: second.next! });
      expect(last).toEqual({ accesses: [expect.objectContaining({ what: 'read 1' })], next: null });

      const whole = await store.listShareAccesses(a.org, share.id);
      expect(whole.accesses.map((x) => x.what)).toEqual([8, 7, 6, 5, 4, 3, 2, 1].map((i) => `read ${i}`));
      expect(whole.next).toBeNull();
      await expect(store.listShareAccesses(a.org, share.id, { limit: 0 })).rejects.toThrow(
        /access log page is not valid/,
      );
    } finally {
      await runtime.close();
    }
  });

  it('a deleted tenant takes its shares with it: revoked in the same transaction, and never found by token', async () => {
    const runtime = await openRuntimeDatabase(t());
    try {
      const { store } = runtime;
      const a = await seed(store);
      const owner = await store.createUser(a.org, { email: `del-${a.org.toLowerCase()}@x.example`, role: 'owner' });
      const create = async () => {
        const token = randomBytes(32).toString('hex');
        const hash = createHash('sha256').update(token).digest('hex');
        const share = await store.createShare(a.org, hash, {
          tenantId: a.tenant,
          label: 'Auditor',
          sections: ['status', 'history'],
          createdBy: owner.id,
          expiresAt: new Date(Date.now() + 86_400_000),
        });
        return { share, hash };
      };
      const live = await create();
      const gone = await create();
      await store.revokeShare(a.org, gone.share.id);
      expect(await store.findShareByToken(live.hash)).not.toBeNull();

      expect(await store.deleteTenant(a.org, a.tenant)).toEqual({ sharesRevoked: 1 });
      expect(await store.findShareByToken(live.hash)).toBeNull();
      expect((await store.getShare(a.org, live.share.id)).revokedAt).not.toBeNull();
    } finally {
      await runtime.close();
    }
  });

  it('a share left unrevoked on a tenant deleted before shares were revoked with it opens nothing', async () => {
    const { store, database } = t();
    const a = await seed(store);
    const owner = await store.createUser(a.org, { email: `old-${a.org.toLowerCase()}@x.example`, role: 'owner' });
    const hash = createHash('sha256').update(randomBytes(32)).digest('hex');
    await store.createShare(a.org, hash, {
      tenantId: a.tenant,
      label: 'Auditor',
      sections: ['status'],
      createdBy: owner.id,
      expiresAt: new Date(Date.now() + 86_400_000),
    });
    await database.drizzle.execute(sql`update tenants set deleted_at = now() where id = ${a.tenant}`);
    expect(await store.findShareByToken(hash)).toBeNull();
  });
});
