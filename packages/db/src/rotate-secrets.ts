import type { OrganizationId } from '@evident/core';
import { and, asc, eq, isNotNull, ne, sql } from 'drizzle-orm';
import type { Database, Db } from './client.ts';
import { createKeyring, type Keyring, type Sealed, type SecretKey, seal, unseal } from './crypto.ts';
import { translateError } from './errors.ts';
import { channelSecretContext } from './repos/alerts.ts';
import { secretContext } from './repos/connections.ts';
import { importItemsContext } from './repos/imports.ts';
import { accountSecretContext } from './repos/provider-accounts.ts';
import { signingKeyContext } from './repos/signing-keys.ts';
import { ssoSecretContext } from './repos/staff-auth-settings.ts';
import { totpContext } from './repos/users.ts';
import { alertChannels } from './schema/alerts.ts';
import { staffUsers } from './schema/organizations.ts';
import { imports, providerAccounts } from './schema/provider-accounts.ts';
import { signingKeys } from './schema/signing-keys.ts';
import { staffAuthSettings } from './schema/staff-auth.ts';
import { connections } from './schema/tenants.ts';

const PAGE = 500;

export interface RotationReport {
  connections: number;
  users: number;
  signingKeys: number;
  alertChannels: number;
  ssoClientSecrets: number;
  providerAccounts: number;
  imports: number;
}

/** Pages through rows by id; each page is re-sealed and committed on its own. */
async function rotateAll<R extends { id: string }>(
  db: Db,
  page: (after: string) => Promise<R[]>,
  rotate: (tx: Db, row: R) => Promise<boolean>,
): Promise<number> {
  let rotated = 0;
  let after = '';
  for (;;) {
    const rows = await page(after);
    await db.transaction(async (tx) => {
      for (const row of rows) if (await rotate(tx, row)) rotated++;
    });
    const last = rows.at(-1);
    if (!last || rows.length < PAGE) return rotated;
    after = last.id;
  }
}

const reseal = (keyring: Keyring, sealed: Sealed, context: string) =>
  seal(keyring, unseal(keyring, sealed, context), context);

/**
 * Re-seals with `newKey` every secret sealed with another key, for one organization or all. A rotation that stops
 * half-way (a key missing from `oldKeys`) keeps what it did and can simply be run again.
 */
export function rotateSecrets(
  database: Database,
  org: OrganizationId | undefined,
  oldKeys: SecretKey[],
  newKey: SecretKey,
): Promise<RotationReport> {
  return rotate(database, org, oldKeys, newKey).catch((error) => Promise.reject(translateError(error)));
}

async function rotate(
  database: Database,
  org: OrganizationId | undefined,
  oldKeys: SecretKey[],
  newKey: SecretKey,
): Promise<RotationReport> {
  const keyring = createKeyring({ current: newKey, previous: oldKeys.filter((k) => k.id !== newKey.id) });
  const db = database.drizzle;

  const connectionsRotated = await rotateAll(
    db,
    (after) =>
      db
        .select()
        .from(connections)
        .where(
          and(
            org ? eq(connections.organizationId, org) : undefined,
            ne(connections.secretKeyId, newKey.id),
            sql`${connections.id} > ${after}`,
          ),
        )
        .orderBy(asc(connections.id))
        .limit(PAGE),
    async (tx, r) => {
      const sealed = { ciphertext: r.secretCiphertext, iv: r.secretIv, tag: r.secretTag, keyId: r.secretKeyId };
      const next = reseal(keyring, sealed, secretContext(r.organizationId, r.id));
      const done = await tx
        .update(connections)
        .set({ secretCiphertext: next.ciphertext, secretIv: next.iv, secretTag: next.tag, secretKeyId: next.keyId })
        .where(and(eq(connections.id, r.id), eq(connections.secretKeyId, r.secretKeyId)))
        .returning({ id: connections.id });
      return done.length > 0;
    },
  );

  const usersRotated = await rotateAll(
    db,
    (after) =>
      db
        .select()
        .from(staffUsers)
        .where(
          and(
            org ? eq(staffUsers.organizationId, org) : undefined,
            isNotNull(staffUsers.totpKeyId),
            ne(staffUsers.totpKeyId, newKey.id),
            sql`${staffUsers.id} > ${after}`,
          ),
        )
        .orderBy(asc(staffUsers.id))
        .limit(PAGE),
    async (tx, r) => {
      const keyId = r.totpKeyId!;
      const sealed = { ciphertext: r.totpCiphertext!, iv: r.totpIv!, tag: r.totpTag!, keyId };
      const next = reseal(keyring, sealed, totpContext(r.organizationId, r.id));
      const done = await tx
        .update(staffUsers)
        .set({ totpCiphertext: next.ciphertext, totpIv: next.iv, totpTag: next.tag, totpKeyId: next.keyId })
        .where(and(eq(staffUsers.id, r.id), eq(staffUsers.totpKeyId, keyId)))
        .returning({ id: staffUsers.id });
      return done.length > 0;
    },
  );

  const position = sql<string>`${signingKeys.organizationId} || '/' || ${signingKeys.kid}`;
  const signingKeysRotated = await rotateAll(
    db,
    async (after) =>
      (
        await db
          .select()
          .from(signingKeys)
          .where(
            and(
              org ? eq(signingKeys.organizationId, org) : undefined,
              ne(signingKeys.privateKeyKeyId, newKey.id),
              sql`${position} > ${after}`,
            ),
          )
          .orderBy(asc(position))
          .limit(PAGE)
      ).map((r) => ({ ...r, id: `${r.organizationId}/${r.kid}` })),
    async (tx, r) => {
      const sealed = {
        ciphertext: r.privateKeyCiphertext,
        iv: r.privateKeyIv,
        tag: r.privateKeyTag,
        keyId: r.privateKeyKeyId,
      };
      const next = reseal(keyring, sealed, signingKeyContext(r.organizationId, r.kid));
      const done = await tx
        .update(signingKeys)
        .set({
          privateKeyCiphertext: next.ciphertext,
          privateKeyIv: next.iv,
          privateKeyTag: next.tag,
          privateKeyKeyId: next.keyId,
        })
        .where(
          and(
            eq(signingKeys.organizationId, r.organizationId),
            eq(signingKeys.kid, r.kid),
            eq(signingKeys.privateKeyKeyId, r.privateKeyKeyId),
          ),
        )
        .returning({ kid: signingKeys.kid });
      return done.length > 0;
    },
  );

  const alertChannelsRotated = await rotateAll(
    db,
    (after) =>
      db
        .select()
        .from(alertChannels)
        .where(
          and(
            org ? eq(alertChannels.organizationId, org) : undefined,
            ne(alertChannels.secretKeyId, newKey.id),
            sql`${alertChannels.id} > ${after}`,
          ),
        )
        .orderBy(asc(alertChannels.id))
        .limit(PAGE),
    async (tx, r) => {
      const sealed = { ciphertext: r.secretCiphertext, iv: r.secretIv, tag: r.secretTag, keyId: r.secretKeyId };
      const next = reseal(keyring, sealed, channelSecretContext(r.organizationId, r.id));
      const done = await tx
        .update(alertChannels)
        .set({ secretCiphertext: next.ciphertext, secretIv: next.iv, secretTag: next.tag, secretKeyId: next.keyId })
        .where(and(eq(alertChannels.id, r.id), eq(alertChannels.secretKeyId, r.secretKeyId)))
        .returning({ id: alertChannels.id });
      return done.length > 0;
    },
  );

  const sso = staffAuthSettings;
  const ssoClientSecretsRotated = await rotateAll(
    db,
    async (after) =>
      (
        await db
          .select()
          .from(sso)
          .where(
            and(
              org ? eq(sso.organizationId, org) : undefined,
              isNotNull(sso.ssoClientSecretKeyId),
              ne(sso.ssoClientSecretKeyId, newKey.id),
              sql`${sso.organizationId} > ${after}`,
            ),
          )
          .orderBy(asc(sso.organizationId))
          .limit(PAGE)
      ).map((r) => ({ ...r, id: r.organizationId })),
    async (tx, r) => {
      const keyId = r.ssoClientSecretKeyId!;
      const sealed = {
        ciphertext: r.ssoClientSecretCiphertext!,
        iv: r.ssoClientSecretIv!,
        tag: r.ssoClientSecretTag!,
        keyId,
      };
      const next = reseal(keyring, sealed, ssoSecretContext(r.organizationId));
      const done = await tx
        .update(sso)
        .set({
          ssoClientSecretCiphertext: next.ciphertext,
          ssoClientSecretIv: next.iv,
          ssoClientSecretTag: next.tag,
          ssoClientSecretKeyId: next.keyId,
        })
        .where(and(eq(sso.organizationId, r.organizationId), eq(sso.ssoClientSecretKeyId, keyId)))
        .returning({ id: sso.organizationId });
      return done.length > 0;
    },
  );

  const accounts = await rotateAccounts(db, keyring, org, newKey);
  return {
    connections: connectionsRotated,
    users: usersRotated,
    signingKeys: signingKeysRotated,
    alertChannels: alertChannelsRotated,
    ssoClientSecrets: ssoClientSecretsRotated,
    ...accounts,
  };
}

/** Provider accounts' secrets and the customers an import holds, sealed like connection secrets. */
async function rotateAccounts(db: Db, keyring: Keyring, org: OrganizationId | undefined, newKey: SecretKey) {
  const providerAccountsRotated = await rotateAll(
    db,
    (after) =>
      db
        .select()
        .from(providerAccounts)
        .where(
          and(
            org ? eq(providerAccounts.organizationId, org) : undefined,
            ne(providerAccounts.secretKeyId, newKey.id),
            sql`${providerAccounts.id} > ${after}`,
          ),
        )
        .orderBy(asc(providerAccounts.id))
        .limit(PAGE),
    async (tx, r) => {
      const sealed = { ciphertext: r.secretCiphertext, iv: r.secretIv, tag: r.secretTag, keyId: r.secretKeyId };
      const next = reseal(keyring, sealed, accountSecretContext(r.organizationId, r.id));
      const done = await tx
        .update(providerAccounts)
        .set({ secretCiphertext: next.ciphertext, secretIv: next.iv, secretTag: next.tag, secretKeyId: next.keyId })
        .where(and(eq(providerAccounts.id, r.id), eq(providerAccounts.secretKeyId, r.secretKeyId)))
        .returning({ id: providerAccounts.id });
      return done.length > 0;
    },
  );
  const importsRotated = await rotateAll(
    db,
    (after) =>
      db
        .select()
        .from(imports)
        .where(
          and(
            org ? eq(imports.organizationId, org) : undefined,
            ne(imports.itemsKeyId, newKey.id),
            sql`${imports.id} > ${after}`,
          ),
        )
        .orderBy(asc(imports.id))
        .limit(PAGE),
    async (tx, r) => {
      const sealed = { ciphertext: r.itemsCiphertext, iv: r.itemsIv, tag: r.itemsTag, keyId: r.itemsKeyId };
      const next = reseal(keyring, sealed, importItemsContext(r.organizationId, r.id));
      const done = await tx
        .update(imports)
        .set({ itemsCiphertext: next.ciphertext, itemsIv: next.iv, itemsTag: next.tag, itemsKeyId: next.keyId })
        .where(and(eq(imports.id, r.id), eq(imports.itemsKeyId, r.itemsKeyId)))
        .returning({ id: imports.id });
      return done.length > 0;
    },
  );
  return { providerAccounts: providerAccountsRotated, imports: importsRotated };
}
