import type { ImportId, OrganizationId, ProviderAccountId, TenantId } from '@evident/core';
import { foreignKey, index, integer, jsonb, pgTable, text, unique } from 'drizzle-orm/pg-core';
import { at, sealedColumns } from './columns.ts';
import { organizations } from './organizations.ts';

const secret = sealedColumns('secret');

/** An MSP-level credential (multi-tenant app, GitHub App, service account), sealed once and used by many connections. */
export const providerAccounts = pgTable(
  'provider_accounts',
  {
    id: text('id').$type<ProviderAccountId>().primaryKey(),
    organizationId: text('organization_id')
      .$type<OrganizationId>()
      .notNull()
      .references(() => organizations.id),
    /** The connector kind; validated against the provider list on the way in and out. */
    kind: text('kind').notNull(),
    name: text('name').notNull(),
    config: jsonb('config').$type<Record<string, unknown>>().notNull(),
    secretCiphertext: secret.ciphertext.notNull(),
    secretIv: secret.iv.notNull(),
    secretTag: secret.tag.notNull(),
    secretKeyId: secret.keyId.notNull(),
    createdAt: at('created_at').notNull().defaultNow(),
    /** When the credential was last replaced (not re-sealed under a new key: that is `secret_key_id`). */
    rotatedAt: at('rotated_at'),
  },
  (t) => [unique('provider_accounts_organization_id_key').on(t.organizationId, t.id)],
);

export const IMPORT_STATUSES = ['queued', 'running', 'succeeded', 'failed'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

const items = sealedColumns('items');

/**
 * One bulk import of discovered customers. The selected customers are sealed (their connection overlays may hold
 * credentials); `cursor` counts those done and moves in the transaction that creates their tenants.
 */
export const imports = pgTable(
  'imports',
  {
    id: text('id').$type<ImportId>().primaryKey(),
    organizationId: text('organization_id')
      .$type<OrganizationId>()
      .notNull()
      .references(() => organizations.id),
    providerAccountId: text('provider_account_id').$type<ProviderAccountId>().notNull(),
    status: text('status').$type<ImportStatus>().notNull().default('queued'),
    itemsCiphertext: items.ciphertext.notNull(),
    itemsIv: items.iv.notNull(),
    itemsTag: items.tag.notNull(),
    itemsKeyId: items.keyId.notNull(),
    total: integer('total').notNull(),
    cursor: integer('cursor').notNull().default(0),
    /** Tenants this import created, in order: their first assessments are queued from this list. */
    createdTenants: jsonb('created_tenants').$type<TenantId[]>().notNull().default([]),
    /** Customers skipped with the reason (their settings refused by the connector's schema). */
    failures: jsonb('failures').$type<{ externalId: string; reason: string }[]>().notNull().default([]),
    error: text('error'),
    createdBy: text('created_by').notNull(),
    createdAt: at('created_at').notNull().defaultNow(),
    updatedAt: at('updated_at').notNull().defaultNow(),
    finishedAt: at('finished_at'),
  },
  (t) => [
    foreignKey({
      name: 'imports_provider_account_fk',
      columns: [t.organizationId, t.providerAccountId],
      foreignColumns: [providerAccounts.organizationId, providerAccounts.id],
    }),
    index('imports_account_idx').on(t.organizationId, t.providerAccountId),
  ],
);
