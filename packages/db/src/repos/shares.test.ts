import { createHash, randomBytes } from 'node:crypto';
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
});
