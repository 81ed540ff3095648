import type { OrganizationId, TenantId, UserId } from '@evident/core';
import { bigint, foreignKey, index, jsonb, pgTable, text, unique } from 'drizzle-orm/pg-core';
import { at } from './columns.ts';
import { organizations } from './organizations.ts';
import { tenants } from './tenants.ts';

export const SHARE_SECTIONS = ['status', 'history', 'evidence', 'connections', 'evidence_packs'] as const;
export type ShareSection = (typeof SHARE_SECTIONS)[number];

/** A read-only link to one tenant. Only the SHA-256 of the 256-bit token is stored. */
export const shares = pgTable(
  'shares',
  {
    id: text('id').primaryKey(),
    organizationId: text('organization_id')
      .$type<OrganizationId>()
      .notNull()
      .references(() => organizations.id),
    tenantId: text('tenant_id').$type<TenantId>().notNull(),
    label: text('label').notNull(),
    tokenHash: text('token_hash').notNull(),
    sections: jsonb('sections').$type<ShareSection[]>().notNull(),
    createdBy: text('created_by').$type<UserId>().notNull(),
    createdAt: at('created_at').notNull(),
    expiresAt: at('expires_at').notNull(),
    revokedAt: at('revoked_at'),
  },
  (t) => [
    unique('shares_token_hash_key').on(t.tokenHash),
    unique('shares_organization_id_key').on(t.organizationId, t.id),
    foreignKey({
      name: 'shares_tenant_fk',
      columns: [t.organizationId, t.tenantId],
      foreignColumns: [tenants.organizationId, tenants.id],
    }),
    index('shares_tenant_idx').on(t.organizationId, t.tenantId),
  ],
);

export const shareAccesses = pgTable(
  'share_accesses',
  {
    organizationId: text('organization_id')
      .$type<OrganizationId>()
      .notNull()
      .references(() => organizations.id),
    shareId: text('share_id').notNull(),
    /** Recording order: the access log pages by it, newest first. */
    seq: bigint('seq', { mode: 'number' }).generatedAlwaysAsIdentity(),
    at: at('at').notNull(),
    address: text('address'),
    userAgent: text('user_agent'),
    what: text('what').notNull(),
  },
  (t) => [
    foreignKey({
      name: 'share_accesses_share_fk',
      columns: [t.organizationId, t.shareId],
      foreignColumns: [shares.organizationId, shares.id],
    }),
    index('share_accesses_share_idx').on(t.organizationId, t.shareId, t.seq.desc()),
  ],
);

/** How shared views look: one row per organization. */
export const branding = pgTable('branding', {
  organizationId: text('organization_id')
    .$type<OrganizationId>()
    .primaryKey()
    .references(() => organizations.id),
  displayName: text('display_name').notNull(),
  logoUrl: text('logo_url'),
  accentColor: text('accent_color').notNull(),
  updatedAt: at('updated_at').notNull(),
});
