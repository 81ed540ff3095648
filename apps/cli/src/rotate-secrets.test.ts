import { newId, type OrganizationId } from '@evident/core';
import { createStore, generateSecretKey, SecretDecryptionError } from '@evident/db';
import { openTestDatabase, type TestDatabase } from '@evident/db/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { EXIT } from './io.ts';
import { BIN, node } from './testing/spawn.ts';

let t: TestDatabase;
let url: string;
let org: OrganizationId;
let connection: Awaited<ReturnType<TestDatabase['store']['createConnection']>>;
const newKey = { id: 'k-new', key: generateSecretKey() };
beforeAll(async () => {
  t = await openTestDatabase('pg');
  if (t.database.driver !== 'pg') throw new Error('the command needs a server database');
  url = t.database.pool.options.connectionString!;
  org = newId('org');
  await t.store.createOrganization(org, { name: 'Acme MSP' });
  const tenant = await t.store.createTenant(org, { name: 'Northwind', kind: 'customer' });
  connection = await t.store.createConnection(org, {
    tenantId: tenant.id,
    kind: 'github',
    name: 'gh',
    config: { org: 'northwind' } as never,
    secret: { token: 'ghp_northwind_owner' } as never,
  });
});
afterAll(() => t?.close());

const rotate = (env: Record<string, string>) =>
  node([BIN, 'rotate-secrets'], { DATABASE_URL: url, EVIDENT_SECRET_KEY_ID: newKey.id, ...env });
const withOnly = (key: { id: string; key: string }) => createStore(t.database, { secrets: { current: key } });

it('refuses to run without the keys to rotate from, or with a key that does not open a secret', async () => {
  const none = await rotate({ EVIDENT_SECRET_KEY: newKey.key });
  expect(none.code).toBe(EXIT.badInput);
  expect(none.stderr).toMatch(/set EVIDENT_SECRET_KEYS_PREVIOUS/);

  const wrong = generateSecretKey();
  const r = await rotate({ EVIDENT_SECRET_KEY: newKey.key, EVIDENT_SECRET_KEYS_PREVIOUS: `${t.key.id}:${wrong}` });
  expect(r.code).toBe(EXIT.badInput);
  expect(r.stderr).toContain(`sealed with key ${t.key.id} does not open`);
  expect(r.stderr + r.stdout).not.toContain(wrong);
  await expect(withOnly(newKey).readSecret(org, connection.id)).rejects.toThrow(SecretDecryptionError);
});

it('re-seals every secret under the new key; a second run finds nothing left', async () => {
  const env = { EVIDENT_SECRET_KEY: newKey.key, EVIDENT_SECRET_KEYS_PREVIOUS: `${t.key.id}:${t.key.key}` };
  const first = await rotate(env);
  expect(first.stderr).toBe('');
  expect(first.code).toBe(EXIT.ok);
  expect(first.stdout).toMatch(/re-sealed 1 connection secret\(s\) and 0 TOTP secret\(s\) with key k-new/);
  expect(await withOnly(newKey).readSecret(org, connection.id)).toEqual({ token: 'ghp_northwind_owner' });
  await expect(withOnly(t.key).readSecret(org, connection.id)).rejects.toThrow(SecretDecryptionError);
  expect((await rotate(env)).stdout).toMatch(/re-sealed 0 connection secret\(s\) and 0 TOTP/);
});
