import { newId } from '@evident/core';
import { expect, it } from 'vitest';
import { describeBothDrivers } from '../testing/test-databases.ts';

describeBothDrivers('spent TOTP steps', (t) => {
  async function user() {
    const { store } = t();
    const org = newId('org');
    await store.createOrganization(org, { name: 'Acme MSP' });
    const created = await store.createUser(org, { email: `${org.toLowerCase()}@x.example`, role: 'owner' });
    await store.setTotpSecret(org, created.id, 'JBSWY3DPEHPK3PXP');
    return { org, id: created.id };
  }

  it('spends a step once; an earlier step never counts after it; a new secret starts afresh', async () => {
    const { store } = t();
    const u = await user();
    expect(await store.spendTotpStep(u.org, u.id, 100)).toBe(true);
    expect(await store.spendTotpStep(u.org, u.id, 100)).toBe(false);
    expect(await store.spendTotpStep(u.org, u.id, 99)).toBe(false);
    expect(await store.spendTotpStep(u.org, u.id, 101)).toBe(true);
    const other = await user();
    expect(await store.spendTotpStep(other.org, u.id, 102)).toBe(false);
    await store.setTotpSecret(u.org, u.id, 'KRSXG5CTMVRXEZLU');
    expect(await store.spendTotpStep(u.org, u.id, 50)).toBe(true);
  });

  it('lets exactly one of many simultaneous spends of a step through', async () => {
    const { store } = t();
    const u = await user();
    // Warm connections, so the spends start together rather than behind new connections to the server.
    await Promise.all(Array.from({ length: 4 }, () => store.getUser(u.org, u.id)));
    const spends = await Promise.all(Array.from({ length: 8 }, () => store.spendTotpStep(u.org, u.id, 7)));
    expect(spends.filter(Boolean)).toHaveLength(1);
  });
});
