import {
  ConflictError,
  idSchema,
  isoDateTime,
  newId,
  type OrganizationId,
  type Provider,
  type ProviderAccountId,
  provider,
} from '@evident/core';
import { and, asc, eq, inArray, ne, sql } from 'drizzle-orm';
import { z } from 'zod';
import { seal, unseal } from '../crypto.ts';
import { imports, providerAccounts } from '../schema/provider-accounts.ts';
import { connections } from '../schema/tenants.ts';
import { found, iso, isoOrNull, parseInput, type RepoContext, rowsOf } from './boundary.ts';

type Row = typeof providerAccounts.$inferSelect;

/** The domain shape carries no secret: the ciphertext columns are dropped here. */
export const storedProviderAccount = z.object({
  id: idSchema('pac'),
  organizationId: idSchema('org'),
  kind: provider,
  name: z.string(),
  config: z.record(z.string(), z.unknown()),
  createdAt: isoDateTime,
  rotatedAt: isoDateTime.nullable(),
});
export type StoredProviderAccount = z.infer<typeof storedProviderAccount>;

const rowToAccount = (row: Row): StoredProviderAccount =>
  storedProviderAccount.parse({
    id: row.id,
    organizationId: row.organizationId,
    kind: row.kind,
    name: row.name,
    config: row.config,
    createdAt: iso(row.createdAt),
    rotatedAt: isoOrNull(row.rotatedAt),
  });

export const accountSecretContext = (org: OrganizationId, id: ProviderAccountId) => `provider account ${id} of ${org}`;

const name = z.string().trim().min(1).max(200);
const createInput = z.object({
  kind: provider,
  name,
  config: z.record(z.string(), z.json()),
  /** Whatever the connector's account secret schema accepts; stored as sealed JSON. */
  secret: z.json(),
});
export type CreateProviderAccountInput = z.input<typeof createInput>;

/** Opens a provider account's sealed secret; shared with the effective-connection read. */
export function readAccountSecret(ctx: Pick<RepoContext, 'keyring'>, row: Row): unknown {
  const sealed = { ciphertext: row.secretCiphertext, iv: row.secretIv, tag: row.secretTag, keyId: row.secretKeyId };
  return JSON.parse(unseal(ctx.keyring, sealed, accountSecretContext(row.organizationId, row.id)));
}

export function providerAccountsRepo(ctx: RepoContext) {
  const { db, keyring } = ctx;
  const byId = (org: OrganizationId, id: ProviderAccountId) =>
    and(eq(providerAccounts.organizationId, org), eq(providerAccounts.id, id));
  const sealSecret = (org: OrganizationId, id: ProviderAccountId, secret: unknown) => {
    const sealed = seal(keyring, JSON.stringify(parseInput(z.json(), secret, 'secret')), accountSecretContext(org, id));
    return {
      secretCiphertext: sealed.ciphertext,
      secretIv: sealed.iv,
      secretTag: sealed.tag,
      secretKeyId: sealed.keyId,
    };
  };

  const get = async (org: OrganizationId, id: ProviderAccountId) => {
    const [row] = await db.select().from(providerAccounts).where(byId(org, id));
    return found(row, 'provider account', id);
  };

  return {
    async createProviderAccount(
      org: OrganizationId,
      input: CreateProviderAccountInput,
      now = new Date(),
    ): Promise<StoredProviderAccount> {
      const v = parseInput(createInput, input, 'provider account');
      const id = newId('pac');
      const [row] = await db
        .insert(providerAccounts)
        .values({
          id,
          organizationId: org,
          kind: v.kind,
          name: v.name,
          config: v.config,
          createdAt: now,
          ...sealSecret(org, id, v.secret),
        })
        .returning();
      return rowToAccount(row!);
    },

    async getProviderAccount(org: OrganizationId, id: ProviderAccountId): Promise<StoredProviderAccount> {
      return rowToAccount(await get(org, id));
    },

    async listProviderAccounts(org: OrganizationId, filter: { kind?: Provider } = {}) {
      const rows = await db
        .select()
        .from(providerAccounts)
        .where(
          and(
            eq(providerAccounts.organizationId, org),
            filter.kind ? eq(providerAccounts.kind, filter.kind) : undefined,
          ),
        )
        .orderBy(asc(providerAccounts.name), asc(providerAccounts.id));
      return rows.map(rowToAccount);
    },

    async renameProviderAccount(org: OrganizationId, id: ProviderAccountId, newName: string) {
      const v = parseInput(name, newName, 'provider account name');
      const [row] = await db.update(providerAccounts).set({ name: v }).where(byId(org, id)).returning();
      return rowToAccount(found(row, 'provider account', id));
    },

    /** Replaces the account's settings (endpoints, ids); its secret is untouched. */
    async updateProviderAccountConfig(org: OrganizationId, id: ProviderAccountId, config: unknown) {
      const v = parseInput(z.record(z.string(), z.json()), config, 'provider account config');
      const [row] = await db.update(providerAccounts).set({ config: v }).where(byId(org, id)).returning();
      return rowToAccount(found(row, 'provider account', id));
    },

    /** A new credential: every connection made from the account runs with it from its next collection. */
    async rotateProviderAccountSecret(org: OrganizationId, id: ProviderAccountId, secret: unknown, now = new Date()) {
      const [row] = await db
        .update(providerAccounts)
        .set({ ...sealSecret(org, id, secret), rotatedAt: now })
        .where(byId(org, id))
        .returning();
      return rowToAccount(found(row, 'provider account', id));
    },

    /** The decrypted account secret, for the worker and the live check. Never send it to a browser or a log. */
    async readProviderAccountSecret(org: OrganizationId, id: ProviderAccountId): Promise<unknown> {
      return readAccountSecret(ctx, await get(org, id));
    },

    /**
     * Refused while a connection still runs with the account or an import of it is under way. Deleted connections
     * (disabled, kept for their history) let go of it; finished imports go with it.
     */
    async deleteProviderAccount(org: OrganizationId, id: ProviderAccountId): Promise<void> {
      const account = await get(org, id);
      const users = await db
        .select({ id: connections.id })
        .from(connections)
        .where(
          and(
            eq(connections.organizationId, org),
            eq(connections.providerAccountId, id),
            ne(connections.status, 'disabled'),
          ),
        );
      if (users.length > 0) {
        const n = users.length;
        throw new ConflictError(
          `the account "${account.name}" is used by ${n} connection${n === 1 ? '' : 's'}: delete ${n === 1 ? 'it' : 'them'} or give ${n === 1 ? 'it its' : 'them their'} own credentials first`,
        );
      }
      const active = await db
        .select({ id: imports.id })
        .from(imports)
        .where(
          and(
            eq(imports.organizationId, org),
            eq(imports.providerAccountId, id),
            inArray(imports.status, ['queued', 'running']),
          ),
        );
      if (active.length > 0) throw new ConflictError(`an import from the account "${account.name}" is under way`);
      await db
        .update(connections)
        .set({ providerAccountId: null })
        .where(and(eq(connections.organizationId, org), eq(connections.providerAccountId, id)));
      await db.delete(imports).where(and(eq(imports.organizationId, org), eq(imports.providerAccountId, id)));
      await db.delete(providerAccounts).where(byId(org, id));
    },

    /**
     * The organizations with a live connection of `kind` to the customer (by its external id, or the config key that
     * names it), through the owner's lookup (migration 0020): ids only, for refusing a customer another MSP reaches.
     */
    async organizationsReaching(kind: Provider, configKey: string, externalId: string): Promise<OrganizationId[]> {
      const v = parseInput(
        z.object({ kind: provider, configKey: z.string().min(1).max(100), externalId: z.string().min(1).max(500) }),
        { kind, configKey, externalId },
        'customer lookup',
      );
      const rows = rowsOf(
        await db.execute(
          sql`select evident_customer_organizations(${v.kind}, ${v.configKey}, ${v.externalId}) as organization_id`,
        ),
      );
      return rows.map((r) => r.organization_id as OrganizationId);
    },
  };
}
