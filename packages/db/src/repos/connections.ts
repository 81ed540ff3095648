import {
  CONNECTION_STATUSES,
  type Connection,
  type ConnectionId,
  type ConnectionStatus,
  connection,
  InvalidInputError,
  idSchema,
  NotFoundError,
  newId,
  type OrganizationId,
  type ProviderAccountId,
  provider,
  type TenantId,
} from '@evident/core';
import { and, asc, eq, inArray, isNotNull } from 'drizzle-orm';
import { z } from 'zod';
import { seal, unseal } from '../crypto.ts';
import { providerAccounts } from '../schema/provider-accounts.ts';
import { connections } from '../schema/tenants.ts';
import { found, iso, parseInput, type RepoContext } from './boundary.ts';
import { readAccountSecret } from './provider-accounts.ts';
import { tenantsRepo } from './tenants.ts';

type Row = typeof connections.$inferSelect;

/** The domain shape carries no secret: the ciphertext columns are dropped here. */
export const rowToConnection = (row: Row): Connection =>
  connection.parse({
    id: row.id,
    organizationId: row.organizationId,
    tenantId: row.tenantId,
    kind: row.kind,
    name: row.name,
    config: row.config,
    status: row.status,
    statusReason: row.statusReason,
    createdAt: iso(row.createdAt),
  });

export const secretContext = (org: OrganizationId, id: ConnectionId) => `connection ${id} of ${org}`;

const createInput = z.object({
  tenantId: idSchema('ten'),
  kind: provider,
  name: z.string().trim().min(1).max(200),
  config: z.record(z.string(), z.json()),
  /** Whatever the connector's secret schema accepts; stored as sealed JSON. */
  secret: z.json(),
  /** Made from an MSP-level account: it runs with the account's config and secret under its own. */
  providerAccountId: idSchema('pac').optional(),
  /** The customer's id at the provider, as the account discovered it. */
  externalId: z.string().min(1).max(500).optional(),
});
export type CreateConnectionInput = z.input<typeof createInput>;

/** What a connection made from an account runs with: the account's values, the connection's own over them. */
export interface EffectiveConnection {
  config: Record<string, unknown>;
  secret: unknown;
  providerAccountId: ProviderAccountId | null;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export const mergeOver = (base: unknown, over: unknown): unknown =>
  isObject(base) && isObject(over) ? { ...base, ...over } : over;

const statusInput = z.object({ status: z.enum(CONNECTION_STATUSES), reason: z.string().min(1).nullable() });

export function connectionsRepo(ctx: RepoContext) {
  const { db, keyring } = ctx;
  const byId = (org: OrganizationId, id: ConnectionId) =>
    and(eq(connections.organizationId, org), eq(connections.id, id));
  const sealSecret = (org: OrganizationId, id: ConnectionId, secret: unknown) => {
    const sealed = seal(keyring, JSON.stringify(parseInput(z.json(), secret, 'secret')), secretContext(org, id));
    return {
      secretCiphertext: sealed.ciphertext,
      secretIv: sealed.iv,
      secretTag: sealed.tag,
      secretKeyId: sealed.keyId,
    };
  };

  return {
    async createConnection(org: OrganizationId, input: CreateConnectionInput): Promise<Connection> {
      const values = parseInput(createInput, input, 'connection');
      const tenant = await tenantsRepo(ctx).getTenant(org, values.tenantId);
      if (values.providerAccountId) {
        const [account] = await db
          .select({ kind: providerAccounts.kind })
          .from(providerAccounts)
          .where(and(eq(providerAccounts.organizationId, org), eq(providerAccounts.id, values.providerAccountId)));
        if (found(account, 'provider account', values.providerAccountId).kind !== values.kind)
          throw new InvalidInputError(`the provider account is not of kind ${values.kind}`);
      }
      const id = newId('con');
      const [row] = await db
        .insert(connections)
        .values({
          id,
          organizationId: org,
          tenantId: tenant.id,
          kind: values.kind,
          name: values.name,
          config: values.config,
          providerAccountId: values.providerAccountId ?? null,
          externalId: values.externalId ?? null,
          ...sealSecret(org, id, values.secret),
        })
        .returning();
      return rowToConnection(row!);
    },

    /**
     * Several connections in one statement (an import's chunk), answered in the order given: each tenant must be
     * live and each account of the connection's kind, as for one.
     */
    async createConnections(org: OrganizationId, inputs: readonly CreateConnectionInput[]): Promise<Connection[]> {
      if (inputs.length === 0) return [];
      const values = inputs.map((input) => parseInput(createInput, input, 'connection'));
      const tenantIds = [...new Set(values.map((v) => v.tenantId as TenantId))];
      const live = new Set((await tenantsRepo(ctx).liveTenants(org, tenantIds)).map((t) => t.id));
      const gone = tenantIds.find((id) => !live.has(id));
      if (gone) throw new NotFoundError('tenant', gone);
      const accountIds = [...new Set(values.flatMap((v) => (v.providerAccountId ? [v.providerAccountId] : [])))];
      if (accountIds.length > 0) {
        const accounts = await db
          .select({ id: providerAccounts.id, kind: providerAccounts.kind })
          .from(providerAccounts)
          .where(and(eq(providerAccounts.organizationId, org), inArray(providerAccounts.id, accountIds)));
        const kinds = new Map<string, string>(accounts.map((a) => [a.id, a.kind]));
        for (const v of values) {
          if (!v.providerAccountId) continue;
          if (found(kinds.get(v.providerAccountId), 'provider account', v.providerAccountId) !== v.kind)
            throw new InvalidInputError(`the provider account is not of kind ${v.kind}`);
        }
      }
      const rows = values.map((v) => {
        const id = newId('con');
        return {
          id,
          organizationId: org,
          tenantId: v.tenantId as TenantId,
          kind: v.kind,
          name: v.name,
          config: v.config,
          providerAccountId: (v.providerAccountId ?? null) as ProviderAccountId | null,
          externalId: v.externalId ?? null,
          ...sealSecret(org, id, v.secret),
        };
      });
      const inserted = new Map((await db.insert(connections).values(rows).returning()).map((r) => [r.id, r]));
      return rows.map((r) => rowToConnection(inserted.get(r.id)!));
    },

    async getConnection(org: OrganizationId, id: ConnectionId): Promise<Connection> {
      const [row] = await db.select().from(connections).where(byId(org, id));
      return rowToConnection(found(row, 'connection', id));
    },

    async listConnections(org: OrganizationId, filter: { tenantId?: TenantId } = {}): Promise<Connection[]> {
      const where = filter.tenantId
        ? and(eq(connections.organizationId, org), eq(connections.tenantId, filter.tenantId))
        : eq(connections.organizationId, org);
      const rows = await db.select().from(connections).where(where).orderBy(asc(connections.name), asc(connections.id));
      return rows.map(rowToConnection);
    },

    async setConnectionStatus(
      org: OrganizationId,
      id: ConnectionId,
      status: ConnectionStatus,
      reason: string | null = null,
    ): Promise<Connection> {
      const values = parseInput(statusInput, { status, reason }, 'connection status');
      const [row] = await db
        .update(connections)
        .set({ status: values.status, statusReason: values.reason })
        .where(byId(org, id))
        .returning();
      return rowToConnection(found(row, 'connection', id));
    },

    /** Replaces the connection's configuration (endpoints, declarations); its secret is untouched. */
    async updateConnectionConfig(org: OrganizationId, id: ConnectionId, config: unknown): Promise<Connection> {
      const values = parseInput(z.record(z.string(), z.json()), config, 'connection config');
      const [row] = await db.update(connections).set({ config: values }).where(byId(org, id)).returning();
      return rowToConnection(found(row, 'connection', id));
    },

    async replaceSecret(org: OrganizationId, id: ConnectionId, secret: unknown): Promise<Connection> {
      const [row] = await db
        .update(connections)
        .set(sealSecret(org, id, secret))
        .where(byId(org, id))
        .returning();
      return rowToConnection(found(row, 'connection', id));
    },

    /** The decrypted secret, for the worker that runs the connector. Never send it to a browser or a log. */
    async readSecret(org: OrganizationId, id: ConnectionId): Promise<unknown> {
      const [row] = await db.select().from(connections).where(byId(org, id));
      const r = found(row, 'connection', id);
      const sealed = { ciphertext: r.secretCiphertext, iv: r.secretIv, tag: r.secretTag, keyId: r.secretKeyId };
      return JSON.parse(unseal(keyring, sealed, secretContext(org, id)));
    },

    /**
     * The config and decrypted secret the connector runs with. A connection made from an account gets the account's
     * current values with its own over them (shallow), so rotating the account's credential reaches every one.
     */
    async readEffectiveConnection(org: OrganizationId, id: ConnectionId): Promise<EffectiveConnection> {
      const [row] = await db.select().from(connections).where(byId(org, id));
      const r = found(row, 'connection', id);
      const sealed = { ciphertext: r.secretCiphertext, iv: r.secretIv, tag: r.secretTag, keyId: r.secretKeyId };
      const own = JSON.parse(unseal(keyring, sealed, secretContext(org, id)));
      if (!r.providerAccountId) return { config: r.config, secret: own, providerAccountId: null };
      const [account] = await db
        .select()
        .from(providerAccounts)
        .where(and(eq(providerAccounts.organizationId, org), eq(providerAccounts.id, r.providerAccountId)));
      const a = found(account, 'provider account', r.providerAccountId);
      return {
        config: { ...a.config, ...r.config },
        secret: mergeOver(readAccountSecret(ctx, a), own),
        providerAccountId: a.id,
      };
    },

    /** The connections made from accounts, with the customer each reaches: what discovery matches against. */
    async accountLinks(org: OrganizationId, filter: { providerAccountId?: ProviderAccountId } = {}) {
      return db
        .select({
          connectionId: connections.id,
          tenantId: connections.tenantId,
          providerAccountId: connections.providerAccountId,
          externalId: connections.externalId,
          status: connections.status,
        })
        .from(connections)
        .where(
          and(
            eq(connections.organizationId, org),
            filter.providerAccountId
              ? eq(connections.providerAccountId, filter.providerAccountId)
              : isNotNull(connections.providerAccountId),
          ),
        )
        .orderBy(asc(connections.id));
    },
  };
}
