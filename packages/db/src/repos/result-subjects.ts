import type { ControlResult, ExceptedSubject, FailingSubject, OrganizationId, RunId } from '@evident/core';
import { and, asc, eq, getTableColumns, gt, sql } from 'drizzle-orm';
import { z } from 'zod';
import { controlResults } from '../schema/results.ts';
import { parseInput, type RepoContext } from './boundary.ts';
import { rowToResult } from './result-queries.ts';

/** A result whose subject lists are cut to their first few, with how many each holds in all. */
export interface ResultHead {
  result: ControlResult;
  failingCount: number;
  exceptedCount: number;
}

const keepInput = z.number().int().min(0).max(1000).default(20);
const pageInput = z.number().int().min(1).max(10_000).default(5_000);

/** Every column but the subject lists: those are read cut short, never whole. */
const { failing: _failing, excepted: _excepted, ...headColumns } = getTableColumns(controlResults);

/** Failing-subject lists grow with the tenant: these read them without holding a whole list at once. */
export function resultSubjectsRepo({ db, inOrg }: RepoContext) {
  return {
    async runResultHeads(org: OrganizationId, runId: RunId, options: { keep?: number } = {}): Promise<ResultHead[]> {
      const keep = parseInput(keepInput, options.keep, 'keep');
      const path = keep === 0 ? '$[0 to -1]' : `$[0 to ${keep - 1}]`;
      const cut = (column: typeof controlResults.failing | typeof controlResults.excepted) =>
        keep === 0 ? sql`'[]'::jsonb` : sql`jsonb_path_query_array(${column}, ${path}::jsonpath)`;
      const rows = await db
        .select({
          row: headColumns,
          failing: sql<FailingSubject[]>`${cut(controlResults.failing)}`,
          excepted: sql<ExceptedSubject[]>`${cut(controlResults.excepted)}`,
          failingCount: controlResults.failingCount,
          exceptedCount: controlResults.exceptedCount,
        })
        .from(controlResults)
        .where(and(eq(controlResults.organizationId, org), eq(controlResults.runId, runId)))
        .orderBy(asc(controlResults.controlId));
      return rows.map((r) => ({
        result: rowToResult({ ...r.row, failing: r.failing, excepted: r.excepted }),
        failingCount: r.failingCount,
        exceptedCount: r.exceptedCount,
      }));
    },

    /** One result's failing (or excepted) subjects, in order, page by page. */
    async *resultSubjects(
      org: OrganizationId,
      runId: RunId,
      controlId: string,
      list: 'failing' | 'excepted',
      options: { pageSize?: number } = {},
    ): AsyncGenerator<FailingSubject | ExceptedSubject> {
      const limit = parseInput(pageInput, options.pageSize, 'page size');
      const column = list === 'failing' ? controlResults.failing : controlResults.excepted;
      const element = sql`jsonb_array_elements(${column}) with ordinality as e(value, n)`;
      const n = sql<number>`e.n`.mapWith(Number);
      let after = 0;
      for (;;) {
        const rows = await inOrg(org, (tx) =>
          tx
            .select({ value: sql<FailingSubject | ExceptedSubject>`e.value`, n })
            .from(sql`${controlResults} cross join lateral ${element}`)
            .where(
              and(
                eq(controlResults.organizationId, org),
                eq(controlResults.runId, runId),
                eq(controlResults.controlId, controlId),
                gt(sql`e.n`, after),
              ),
            )
            .orderBy(asc(sql`e.n`))
            .limit(limit),
        );
        for (const r of rows) yield r.value;
        const last = rows.at(-1);
        if (!last || rows.length < limit) return;
        after = last.n;
      }
    },
  };
}
