import { sql } from 'drizzle-orm';
import { expect, it, onTestFinished } from 'vitest';
import { generateSecretKey, SecretDecryptionError } from './crypto.ts';
import { rotateSecrets } from './rotate-secrets.ts';
import { createStore } from './store.ts';
import { describeBothDrivers, openTestDatabase, seed, type TestDatabase } from './testing/test-databases.ts';

const PLAIN = 'ghp_plaintextTokenThatMustNeverBeStored';

/** Every column of the row as text, bytes in hex: what someone reading the table would see. */
async function rawRow(t: TestDatabase, table: 'connections' | 'staff_users', id: string): Promise<string> {
  const rows = await t.database.drizzle.execute(
    sql`select row_to_json(r)::text as json from ${sql.identifier(table)} r where id = ${id}`,
  );
  return JSON.stringify(rows);
}

const keyIds = async (t: TestDatabase, org: string) =>
  JSON.stringify(
    await t.database.drizzle.execute(
      sql`select secret_key_id as k from connections where organization_id = ${org} union all
          select totp_key_id from staff_users where organization_id = ${org} and totp_key_id is not null union all
          select sso_client_secret_key_id from staff_auth_settings where organization_id = ${org}`,
    ),
  );

describeBothDrivers('connection and staff secrets', (t) => {
  it('stores a connection secret sealed and gives it back only through readSecret', async () => {
    const { store } = t();
    const s = await seed(store, { token: PLAIN, appId: 42 });
    const raw = await rawRow(t(), 'connections', s.connection);
    expect(raw).toContain('test-1');
    expect(raw).not.toContain(PLAIN);
    expect(raw).not.toContain(Buffer.from(PLAIN).toString('hex'));
    expect(raw).not.toContain(Buffer.from(PLAIN).toString('base64'));
    expect(JSON.stringify(await store.getConnection(s.org, s.connection))).not.toContain(PLAIN);
    expect(JSON.stringify(await store.listConnections(s.org))).not.toContain('secret');
    expect(await store.readSecret(s.org, s.connection)).toEqual({ token: PLAIN, appId: 42 });

    await store.replaceSecret(s.org, s.connection, { token: 'second' });
    expect(await store.readSecret(s.org, s.connection)).toEqual({ token: 'second' });
  });

  it('stores a TOTP secret sealed', async () => {
    const { store } = t();
    const s = await seed(store);
    const user = await store.createUser(s.org, { email: 'ann@acme.example', role: 'admin' });
    expect(await store.readTotpSecret(s.org, user.id)).toBeNull();
    const updated = await store.setTotpSecret(s.org, user.id, 'JBSWY3DPEHPK3PXPJBSWY3DP');
    expect(updated.hasTotp).toBe(true);
    expect(await rawRow(t(), 'staff_users', user.id)).not.toContain('JBSWY3DPEHPK3PXPJBSWY3DP');
    expect(await store.readTotpSecret(s.org, user.id)).toBe('JBSWY3DPEHPK3PXPJBSWY3DP');
  });

  it('fails with a clear error under a wrong key, and a ciphertext copied to another row does not open', async () => {
    const { store, database, key } = t();
    const s = await seed(store);
    const impostor = createStore(database, { secrets: { current: { id: key.id, key: generateSecretKey() } } });
    await expect(impostor.readSecret(s.org, s.connection)).rejects.toThrow(
      `the secret of connection ${s.connection} of ${s.org} does not open with key "test-1": the key is not the one that sealed it, or the ciphertext was altered`,
    );
    const stranger = createStore(database, { secrets: { current: { id: 'other', key: generateSecretKey() } } });
    await expect(stranger.readSecret(s.org, s.connection)).rejects.toBeInstanceOf(SecretDecryptionError);

    const copy = await store.createConnection(s.org, {
      tenantId: s.tenant,
      kind: 'entra',
      name: 'copy',
      config: {},
      secret: { token: 'other' },
    });
    await database.drizzle.execute(sql`
      update connections c set secret_ciphertext = o.secret_ciphertext, secret_iv = o.secret_iv, secret_tag = o.secret_tag
      from connections o where c.id = ${copy.id} and o.id = ${s.connection}`);
    await expect(store.readSecret(s.org, copy.id)).rejects.toBeInstanceOf(SecretDecryptionError);
  });

  it('rotates to a new key, one organization or all, and can be run again', async () => {
    // Rotating "all" walks every row, so this test has a database of its own.
    const own = await openTestDatabase(t().driver);
    onTestFinished(() => own.close());
    const { database, key: k1, store } = own;
    const k2 = { id: 'k2', key: generateSecretKey() };
    const a = await seed(store, { token: 'a' });
    const b = await seed(store, { token: 'b' });
    const user = await store.createUser(a.org, { email: 'root@a.example', role: 'owner' });
    await store.setTotpSecret(a.org, user.id, 'TOTPA');
    const signing = { kid: 'kid-rotation-test-a', publicJwk: { x: 'pub' }, privateJwk: { d: 'SIGNA' } };
    await store.addSigningKey(a.org, signing);
    const channel = await store.createAlertChannel(a.org, {
      kind: 'slack',
      name: 'ops',
      config: {},
      secret: { url: 'https://hooks.example/ALERTA' },
    });
    const ssoSettings = {
      tenantId: crypto.randomUUID(),
      clientId: crypto.randomUUID(),
      authority: null,
      jitRole: null,
    };
    await store.setSsoSettings(a.org, { ...ssoSettings, clientSecret: 'SSOA' });
    await store.setSsoSettings(b.org, { ...ssoSettings, clientSecret: 'SSOB' });

    const account = await store.createProviderAccount(a.org, {
      kind: 'entra',
      name: 'partner app',
      config: { clientId: 'c' },
      secret: { clientSecret: 'ACCOUNTA' },
    });

    expect(await rotateSecrets(database, a.org, [k1], k2)).toEqual({
      connections: 1,
      users: 1,
      signingKeys: 1,
      alertChannels: 1,
      ssoClientSecrets: 1,
      providerAccounts: 1,
      imports: 0,
    });
    expect(await keyIds(own, a.org)).not.toContain(k1.id);
    expect(await keyIds(own, b.org)).not.toContain(k2.id);

    const during = createStore(database, { secrets: { current: k2, previous: [k1] } });
    expect(await during.readSecret(a.org, a.connection)).toEqual({ token: 'a' });
    expect(await during.readSecret(b.org, b.connection)).toEqual({ token: 'b' });

    await rotateSecrets(database, undefined, [k1], k2);
    expect(await rotateSecrets(database, undefined, [k1], k2)).toEqual({
      connections: 0,
      users: 0,
      signingKeys: 0,
      alertChannels: 0,
      ssoClientSecrets: 0,
      providerAccounts: 0,
      imports: 0,
    });
    const after = createStore(database, { secrets: { current: k2 } });
    expect(await after.readSecret(b.org, b.connection)).toEqual({ token: 'b' });
    expect(await after.readTotpSecret(a.org, user.id)).toBe('TOTPA');
    expect((await after.activeSigningKey(a.org))?.privateJwk).toEqual({ d: 'SIGNA' });
    expect((await after.readAlertChannel(a.org, channel.id)).secret).toEqual({ url: 'https://hooks.example/ALERTA' });
    expect(await after.readSsoClientSecret(a.org)).toBe('SSOA');
    expect(await after.readSsoClientSecret(b.org)).toBe('SSOB');
    await expect(store.readSsoClientSecret(b.org)).rejects.toThrow(/which the keyring does not hold/);
    expect(await after.readProviderAccountSecret(a.org, account.id)).toEqual({ clientSecret: 'ACCOUNTA' });
    await expect(store.readSecret(a.org, a.connection)).rejects.toThrow(/which the keyring does not hold/);

    const k3 = { id: 'k3', key: generateSecretKey() };
    const c = await seed(createStore(database, { secrets: { current: k3 } }), { token: 'c' });
    await expect(rotateSecrets(database, c.org, [k1], k2)).rejects.toThrow(/sealed with key "k3"/);
    expect(await rotateSecrets(database, c.org, [k3], k2)).toEqual({
      connections: 1,
      users: 0,
      signingKeys: 0,
      alertChannels: 0,
      ssoClientSecrets: 0,
      providerAccounts: 0,
      imports: 0,
    });
  });
});
