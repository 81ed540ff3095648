import type { ConnectionId, OrganizationId, TenantId } from '@evident/core';
import { foreignKey, index, integer, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { at } from './columns.ts';
import { organizations } from './organizations.ts';
import { connections } from './tenants.ts';

/** One change from a provider's trail, as the watcher stored it: who, what, when, and the connection it came from. */
export interface StoredChange {
  connectionId: string;
  id: string;
  at: string;
  actor: string | null;
  action: string;
  target: string | null;
}

/**
 * Where a connection's watcher stands in its provider's change trail: the cursor it reads from next, what it read
 * last, and the changes seen but not yet taken by a re-assessment (each is taken by exactly one run).
 */
export const connectionWatches = pgTable(
  'connection_watches',
  {
    organizationId: text('organization_id')
      .$type<OrganizationId>()
      .notNull()
      .references(() => organizations.id),
    connectionId: text('connection_id').$type<ConnectionId>().notNull(),
    tenantId: text('tenant_id').$type<TenantId>().notNull(),
    cursor: text('cursor'),
    lastReadAt: at('last_read_at'),
    /** When the provider says the newest change seen happened. */
    lastChangeAt: at('last_change_at'),
    /** The last read's failure (gap code and words); cleared by the next good read. */
    errorCode: text('error_code'),
    error: text('error'),
    errorAt: at('error_at'),
    /** Ids of the changes seen lately, newest last: reads overlap by the provider's lag, and are deduplicated here. */
    recentIds: jsonb('recent_ids').$type<string[]>().notNull().default([]),
    pending: jsonb('pending').$type<StoredChange[]>().notNull().default([]),
    /** Entries the last reads skipped as malformed or foreign, with why (the latest few). */
    skipped: jsonb('skipped').$type<{ id: string | null; reason: string }[]>().notNull().default([]),
    /** Provider requests of the connection's last full collection and of the watcher's last read: its budget. */
    collectionRequests: integer('collection_requests'),
    readRequests: integer('read_requests'),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: 'connection_watches_pkey', columns: [t.organizationId, t.connectionId] }),
    foreignKey({
      name: 'connection_watches_connection_fk',
      columns: [t.organizationId, t.connectionId],
      foreignColumns: [connections.organizationId, connections.id],
    }).onDelete('cascade'),
    index('connection_watches_tenant_idx').on(t.organizationId, t.tenantId),
  ],
);
