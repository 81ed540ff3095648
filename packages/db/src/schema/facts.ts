import type { CollectionId, Fact, OrganizationId } from '@evident/core';
import { foreignKey, integer, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { organizations } from './organizations.ts';
import { collections } from './runs.ts';

/** One row per fact, numbered within its collection; written in multi-row batches, read back by keyset paging. */
export const facts = pgTable(
  'facts',
  {
    organizationId: text('organization_id')
      .$type<OrganizationId>()
      .notNull()
      .references(() => organizations.id),
    collectionId: text('collection_id').$type<CollectionId>().notNull(),
    seq: integer('seq').notNull(),
    type: text('type').$type<Fact['type']>().notNull(),
    /** Null for gaps, which have no subject. */
    subject: text('subject'),
    body: jsonb('body').$type<Fact>().notNull(),
  },
  (t) => [
    primaryKey({ name: 'facts_pkey', columns: [t.collectionId, t.seq] }),
    foreignKey({
      name: 'facts_collection_fk',
      columns: [t.organizationId, t.collectionId],
      foreignColumns: [collections.organizationId, collections.id],
    }).onDelete('cascade'),
  ],
);
