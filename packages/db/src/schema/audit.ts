import type { OrganizationId } from '@evident/core';
import { bigint, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { at } from './columns.ts';
import { organizations } from './organizations.ts';

/**
 * Append-only and hash-chained per organization: `hash = sha256(prev_hash || canonical json of the event)`.
 * A trigger (migration 0001) refuses UPDATE and DELETE; `verifyAuditChain` detects what gets past it.
 */
export const auditEvents = pgTable(
  'audit_events',
  {
    organizationId: text('organization_id')
      .$type<OrganizationId>()
      .notNull()
      .references(() => organizations.id),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    at: at('at').notNull(),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    target: text('target'),
    data: jsonb('data').$type<Record<string, unknown>>().notNull(),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [primaryKey({ name: 'audit_events_pkey', columns: [t.organizationId, t.seq] })],
);
