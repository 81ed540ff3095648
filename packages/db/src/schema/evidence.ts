import type { OrganizationId, RunId } from '@evident/core';
import { sql } from 'drizzle-orm';
import { foreignKey, index, integer, pgEnum, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { at } from './columns.ts';
import { organizations } from './organizations.ts';
import { controlResults } from './results.ts';

export const SUBJECT_KINDS = ['failing', 'excepted'] as const;
export const subjectKind = pgEnum('result_subject_kind', SUBJECT_KINDS);

/**
 * The failing and excepted subjects of each control result, one row each, unpacked from the result by the database
 * when it is written: a 300,000-identity tenant's evidence is paged, sorted and searched through these indexes.
 */
export const resultSubjects = pgTable(
  'result_subjects',
  {
    organizationId: text('organization_id')
      .$type<OrganizationId>()
      .notNull()
      .references(() => organizations.id),
    runId: text('run_id').$type<RunId>().notNull(),
    controlId: text('control_id').notNull(),
    kind: subjectKind('kind').notNull(),
    ord: integer('ord').notNull(),
    connection: text('connection').notNull(),
    subject: text('subject').notNull(),
    name: text('name'),
    /** Why it fails, or why it is excepted. */
    detail: text('detail').notNull(),
    approver: text('approver'),
    expiresAt: at('expires_at'),
    /** Lower-cased `subject name`, what a search matches. */
    search: text('search').notNull(),
  },
  (t) => [
    primaryKey({ name: 'result_subjects_pkey', columns: [t.runId, t.controlId, t.kind, t.ord] }),
    foreignKey({
      name: 'result_subjects_result_fk',
      columns: [t.runId, t.controlId],
      foreignColumns: [controlResults.runId, controlResults.controlId],
    }),
    index('result_subjects_subject_idx').on(t.organizationId, t.runId, t.controlId, t.kind, t.subject, t.ord),
    index('result_subjects_name_idx').on(
      t.organizationId,
      t.runId,
      t.controlId,
      t.kind,
      sql`coalesce(${t.name}, ${t.subject})`,
      t.ord,
    ),
    index('result_subjects_detail_idx').on(t.organizationId, t.runId, t.controlId, t.kind, t.detail, t.ord),
    // A search is a substring match (`like '%…%'`): trigrams, within the run (btree_gin), find the few matching rows
    // among a huge tenant's without walking the rest.
    index('result_subjects_search_trgm_idx').using('gin', t.runId, t.search.op('gin_trgm_ops')),
  ],
);
