import type { ExceptionId, ExceptionRequestId, OrganizationId, TenantId, UserId } from '@evident/core';
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
    /** Who asked for it; another staff member approved it. Null on exceptions made before approval existed. */
    requestedBy: text('requested_by'),
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

/**
 * An exception asked for and not yet in force: a staff member other than the requester approves it (four eyes),
 * which writes the exception, or declines it. Decided requests stay, for the record.
 */
export const exceptionRequests = pgTable(
  'exception_requests',
  {
    id: text('id').$type<ExceptionRequestId>().primaryKey(),
    organizationId: text('organization_id')
      .$type<OrganizationId>()
      .notNull()
      .references(() => organizations.id),
    tenantId: text('tenant_id').$type<TenantId>().notNull(),
    controlId: text('control_id').notNull(),
    subject: text('subject').notNull(),
    connection: text('connection'),
    reason: text('reason').notNull(),
    expiresAt: at('expires_at').notNull(),
    requestedById: text('requested_by_id').$type<UserId>().notNull(),
    requestedBy: text('requested_by').notNull(),
    createdAt: at('created_at').notNull().defaultNow(),
    decision: text('decision', { enum: ['approved', 'declined'] }),
    decidedBy: text('decided_by'),
    decidedAt: at('decided_at'),
    exceptionId: text('exception_id').$type<ExceptionId>(),
  },
  (t) => [
    unique('exception_requests_organization_id_key').on(t.organizationId, t.id),
    foreignKey({
      name: 'exception_requests_tenant_fk',
      columns: [t.organizationId, t.tenantId],
      foreignColumns: [tenants.organizationId, tenants.id],
    }),
    index('exception_requests_tenant_idx').on(t.organizationId, t.tenantId, t.createdAt),
  ],
);
