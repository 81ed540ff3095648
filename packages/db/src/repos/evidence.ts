import type { OrganizationId, RunId } from '@evident/core';
import { and, asc, desc, eq, like, type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../client.ts';
import { type EvidenceSubject, evidenceSubject } from '../domain.ts';
import { resultSubjects, SUBJECT_KINDS } from '../schema/evidence.ts';
import { isoOrNull, parseInput, type RepoContext } from './boundary.ts';

/** Unpacks a run's failing and excepted subjects into rows, inside the database, in the transaction that wrote them. */
export async function writeResultSubjects(db: Db, org: OrganizationId, runId: RunId): Promise<void> {
  const written = await db.execute(sql`
    insert into result_subjects
      (organization_id, run_id, control_id, kind, ord, connection, subject, name, detail, approver, expires_at, search)
    select r.organization_id, r.run_id, r.control_id, 'failing'::result_subject_kind, e.ord, e.s->>'connection', e.s->>'subject',
           e.s->>'name', e.s->>'why', null, null, lower(concat_ws(' ', e.s->>'subject', e.s->>'name'))
    from control_results r, jsonb_array_elements(r.failing) with ordinality as e(s, ord)
    where r.organization_id = ${org} and r.run_id = ${runId}
    union all
    select r.organization_id, r.run_id, r.control_id, 'excepted'::result_subject_kind, e.ord, e.s->>'connection', e.s->>'subject',
           e.s->>'name', e.s->>'reason', e.s->>'approver', (e.s->>'expiresAt')::timestamptz,
           lower(concat_ws(' ', e.s->>'subject', e.s->>'name'))
    from control_results r, jsonb_array_elements(r.excepted) with ordinality as e(s, ord)
    where r.organization_id = ${org} and r.run_id = ${runId}`);
  // After a bulk load the planner's statistics say the table is tiny and it sorts instead of walking an index.
  if (rowCount(written) > ANALYZE_AFTER) await db.execute(sql`analyze result_subjects`);
}

const ANALYZE_AFTER = 10_000;
/** Both drivers report inserted rows, as `rowCount` (pg) or `affectedRows` (PGlite). */
const rowCount = (result: unknown) => {
  const r = result as { rowCount?: number | null; affectedRows?: number };
  return r.rowCount ?? r.affectedRows ?? 0;
};

export const EVIDENCE_SORTS = ['subject', 'name', 'detail'] as const;

const pageInput = z.object({
  kind: z.enum(SUBJECT_KINDS),
  sort: z.enum(EVIDENCE_SORTS).default('subject'),
  direction: z.enum(['asc', 'desc']).default('asc'),
  search: z.string().trim().max(200).optional(),
  /** The sort key and `ord` of the last row of the previous page. */
  after: z.object({ key: z.string(), ord: z.number().int() }).optional(),
  limit: z.number().int().min(1).max(500).default(50),
});
export type EvidencePageInput = z.input<typeof pageInput>;

export interface EvidencePage {
  rows: EvidenceSubject[];
  next: { key: string; ord: number } | null;
}

export function evidenceRepo({ db }: RepoContext) {
  return {
    /** One page of a result's failing or excepted subjects, keyset-paged on (sort key, ord). */
    async evidencePage(
      org: OrganizationId,
      runId: RunId,
      controlId: string,
      input: EvidencePageInput,
    ): Promise<EvidencePage> {
      const v = parseInput(pageInput, input, 'evidence page');
      const t = resultSubjects;
      const key: SQL<string> = {
        subject: sql<string>`${t.subject}`,
        name: sql<string>`coalesce(${t.name}, ${t.subject})`,
        detail: sql<string>`${t.detail}`,
      }[v.sort];
      const cmp = v.direction === 'asc' ? sql`>` : sql`<`;
      const order = v.direction === 'asc' ? asc : desc;
      const escaped = v.search?.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);
      const rows = await db
        .select({ key, row: t })
        .from(t)
        .where(
          and(
            eq(t.organizationId, org),
            eq(t.runId, runId),
            eq(t.controlId, controlId),
            eq(t.kind, v.kind),
            escaped ? like(t.search, `%${escaped}%`) : undefined,
            v.after ? sql`(${key}, ${t.ord}) ${cmp} (${v.after.key}, ${v.after.ord})` : undefined,
          ),
        )
        .orderBy(order(key), order(t.ord))
        .limit(v.limit + 1);
      const page = rows.slice(0, v.limit);
      const last = page.at(-1);
      return {
        rows: page.map(({ row }) => evidenceSubject.parse({ ...row, expiresAt: isoOrNull(row.expiresAt) })),
        next: rows.length > v.limit && last ? { key: last.key, ord: last.row.ord } : null,
      };
    },
  };
}
