import { newId } from '@evident/core';
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { describeBothDrivers, seed } from '../testing/test-databases.ts';

const key = (n: string) => ({
  kid: `kid-${n}-${newId('org').slice(4)}`,
  publicJwk: { kty: 'OKP', crv: 'Ed25519', x: `public-${n}` },
  privateJwk: { kty: 'OKP', crv: 'Ed25519', x: `public-${n}`, d: `private-${n}` },
});

describeBothDrivers('signing keys', (t) => {
  it('keeps one active key; rotation retires the one before and keeps it listed', async () => {
    const { store } = t();
    const { org } = await seed(store);
    expect(await store.activeSigningKey(org)).toBeNull();
    const first = key('one');
    await store.addSigningKey(org, first);
    expect(await store.activeSigningKey(org)).toEqual({
      kid: first.kid,
      publicJwk: first.publicJwk,
      privateJwk: first.privateJwk,
    });
    const second = key('two');
    await store.addSigningKey(org, second);
    expect((await store.activeSigningKey(org))?.kid).toBe(second.kid);
    const listed = await store.listSigningKeys(org);
    expect(listed.map((k) => [k.kid, k.retiredAt === null])).toEqual([
      [first.kid, false],
      [second.kid, true],
    ]);
    expect(JSON.stringify(listed)).not.toContain('private-');
  });

  it('stores the private half sealed, never in clear', async () => {
    const { store, database } = t();
    const { org } = await seed(store);
    const k = key('sealed');
    await store.addSigningKey(org, k);
    const rows = await database.drizzle.execute(sql`select * from signing_keys where kid = ${k.kid}`);
    expect(JSON.stringify(rows)).not.toContain('private-sealed');
  });

  it('refuses a malformed key id', async () => {
    const { store } = t();
    const { org } = await seed(store);
    await expect(store.addSigningKey(org, { ...key('bad'), kid: 'a b' })).rejects.toThrow(/signing key is not valid/);
  });
});
