import type { ExceptionId, OrganizationId, TenantId } from '@evident/core';
import { foreignKey, index, pgTable, text, unique } from 'drizzle-orm/pg-core';
import { at } from './columns.ts';
import { organizations } from './organizations.ts';
import { tenants } from './tenants.ts';

export const exceptions = pgTable(
  'exceptions',
  {
    id: text('id').$type<ExceptionId>().primaryKey(),
    organizationId: text('organization_id')
      .$type<OrganizationId>()
      .notNull()
      .references(() => organizations.id),
    tenantId: text('tenant_id').$type<TenantId>().notNull(),
    /** A control id, or `*` for every control. */
    controlId: text('control_id').notNull(),
    subject: text('subject').notNull(),
    /** Limits the exception to one connection (its id or name); null means wherever the subject appears. */
    connection: text('connection'),
    reason: text('reason').notNull(),
    approver: text('approver').notNull(),
    expiresAt: at('expires_at').notNull(),
    createdAt: at('created_at').notNull().defaultNow(),
  },
  (t) => [
    unique('exceptions_organization_id_key').on(t.organizationId, t.id),
    foreignKey({
      name: 'exceptions_tenant_fk',
      columns: [t.organizationId, t.tenantId],
      foreignColumns: [tenants.organizationId, tenants.id],
    }),
    index('exceptions_tenant_idx').on(t.organizationId, t.tenantId, t.expiresAt),
  ],
);
