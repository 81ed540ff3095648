import type { OrganizationId } from '@evident/core';
import { bigint, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { at } from './columns.ts';
import { organizations } from './organizations.ts';

/**
 * Append-only and hash-chained per organization: `hash = sha256(prev_hash || canonical json of the event)`, and
 * `mac` = HMAC of the hash under a key kept outside the database (`mac_key_id` names it), so a rewrite with
 * recomputed hashes does not verify. A trigger (0001) and the runtime role's grants (0003) refuse UPDATE and DELETE.
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
    mac: text('mac'),
    macKeyId: text('mac_key_id'),
  },
  (t) => [primaryKey({ name: 'audit_events_pkey', columns: [t.organizationId, t.seq] })],
);

/** A broken audit chain, found by a verification: shown until an operator resolves it. */
export const auditAlerts = pgTable('audit_alerts', {
  id: text('id').primaryKey(),
  organizationId: text('organization_id')
    .$type<OrganizationId>()
    .notNull()
    .references(() => organizations.id),
  raisedAt: at('raised_at').notNull().defaultNow(),
  brokenAt: bigint('broken_at', { mode: 'number' }).notNull(),
  problem: text('problem').notNull(),
});
