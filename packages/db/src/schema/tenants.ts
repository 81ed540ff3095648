import {
  CONNECTION_STATUSES,
  type ConnectionId,
  type OrganizationId,
  type ProviderAccountId,
  TENANT_KINDS,
  type TenantId,
} from '@evident/core';
import { foreignKey, index, integer, jsonb, pgEnum, pgTable, text, unique, uniqueIndex } from 'drizzle-orm/pg-core';
import { at, sealedColumns } from './columns.ts';
import { organizations } from './organizations.ts';
import { providerAccounts } from './provider-accounts.ts';

export const tenantKind = pgEnum('tenant_kind', TENANT_KINDS);

export const tenants = pgTable(
  'tenants',
  {
    id: text('id').$type<TenantId>().primaryKey(),
    organizationId: text('organization_id')
      .$type<OrganizationId>()
      .notNull()
      .references(() => organizations.id),
    name: text('name').notNull(),
    kind: tenantKind('kind').notNull(),
    /** The assessment schedule: `{ everyMs }` or `{ cron, tz }`; null is the default interval. */
    schedule: jsonb('schedule').$type<{ everyMs: number } | { cron: string; tz: string }>(),
    createdAt: at('created_at').notNull().defaultNow(),
    /** Soft delete: the tenant leaves every list, its history stays for the audit trail. */
    deletedAt: at('deleted_at'),
    /**
     * Raised by the database's own triggers whenever what the portfolio shows of the tenant changes (its name, kind or
     * deletion, a run's verdicts, its connections), so the organization's portfolio is fingerprinted by one small sum.
     */
    portfolioVersion: integer('portfolio_version').notNull().default(0),
  },
  // (organization_id, id) is the target of every child's foreign key, so a row can never point across organizations.
  (t) => [unique('tenants_organization_id_key').on(t.organizationId, t.id)],
);

export const connectionStatus = pgEnum('connection_status', CONNECTION_STATUSES);

const secret = sealedColumns('secret');

export const connections = pgTable(
  'connections',
  {
    id: text('id').$type<ConnectionId>().primaryKey(),
    organizationId: text('organization_id')
      .$type<OrganizationId>()
      .notNull()
      .references(() => organizations.id),
    tenantId: text('tenant_id').$type<TenantId>().notNull(),
    /** The connector kind; validated against the provider list on the way in and out, not by an enum type. */
    kind: text('kind').notNull(),
    name: text('name').notNull(),
    config: jsonb('config').$type<Record<string, unknown>>().notNull(),
    secretCiphertext: secret.ciphertext.notNull(),
    secretIv: secret.iv.notNull(),
    secretTag: secret.tag.notNull(),
    secretKeyId: secret.keyId.notNull(),
    status: connectionStatus('status').notNull().default('ok'),
    statusReason: text('status_reason'),
    createdAt: at('created_at').notNull().defaultNow(),
    /** The MSP-level account the connection runs with; its config and secret are merged under the connection's. */
    providerAccountId: text('provider_account_id').$type<ProviderAccountId>(),
    /** The customer's id at the provider as the account discovered it: one connection per (account, customer). */
    externalId: text('external_id'),
  },
  (t) => [
    unique('connections_organization_id_key').on(t.organizationId, t.id),
    foreignKey({
      name: 'connections_provider_account_fk',
      columns: [t.organizationId, t.providerAccountId],
      foreignColumns: [providerAccounts.organizationId, providerAccounts.id],
    }),
    uniqueIndex('connections_account_customer_key').on(t.organizationId, t.providerAccountId, t.externalId),
    foreignKey({
      name: 'connections_tenant_fk',
      columns: [t.organizationId, t.tenantId],
      foreignColumns: [tenants.organizationId, tenants.id],
    }),
    index('connections_tenant_idx').on(t.organizationId, t.tenantId),
  ],
);
