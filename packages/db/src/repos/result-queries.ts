import { type ControlResult, controlResult, type OrganizationId, type RunId, type TenantId } from '@evident/core';
import { and, asc, desc, eq, gt, lt } from 'drizzle-orm';
import { z } from 'zod';
import {
  type AssessmentRun,
  type DriftEvent,
  driftEvent,
  type ResultHistoryEntry,
  resultHistoryEntry,
} from '../domain.ts';
import { controlResults, driftEvents } from '../schema/results.ts';
import { assessmentRuns } from '../schema/runs.ts';
import { iso, isoOrNull, parseInput, type RepoContext } from './boundary.ts';
import { rowToRun } from './runs.ts';

type ResultRow = typeof controlResults.$inferSelect;
type DriftRow = typeof driftEvents.$inferSelect;

export const rowToResult = (row: ResultRow): ControlResult =>
  controlResult.parse({
    controlId: row.controlId,
    status: row.status,
    coverage: { numerator: row.coverageNumerator, denominator: row.coverageDenominator },
    reason: row.reason,
    failing: row.failing,
    excepted: row.excepted,
    evidence: row.evidence,
    factsAsOf: isoOrNull(row.factsAsOf),
    evaluatedAt: iso(row.evaluatedAt),
  });

export const rowToDrift = (row: DriftRow): DriftEvent =>
  driftEvent.parse({
    organizationId: row.organizationId,
    tenantId: row.tenantId,
    controlId: row.controlId,
    runId: row.runId,
    previousRunId: row.previousRunId,
    from: row.fromStatus,
    to: row.toStatus,
    at: iso(row.at),
  });

const limit = (max: number, fallback: number) => z.number().int().min(1).max(max).default(fallback);

export function resultQueriesRepo({ db }: RepoContext) {
  const ofRun = (org: OrganizationId, runId: RunId) =>
    and(eq(controlResults.organizationId, org), eq(controlResults.runId, runId));

  async function runResults(org: OrganizationId, runId: RunId): Promise<ControlResult[]> {
    const rows = await db.select().from(controlResults).where(ofRun(org, runId)).orderBy(asc(controlResults.controlId));
    return rows.map(rowToResult);
  }

  return {
    runResults,

    /** The tenant's newest run that has results, with them; null before the first. */
    async latestResults(
      org: OrganizationId,
      tenantId: TenantId,
    ): Promise<{ run: AssessmentRun; results: ControlResult[] } | null> {
      const [row] = await db
        .select()
        .from(assessmentRuns)
        .where(
          and(
            eq(assessmentRuns.organizationId, org),
            eq(assessmentRuns.tenantId, tenantId),
            gt(assessmentRuns.resultCount, 0),
          ),
        )
        .orderBy(desc(assessmentRuns.startedAt), desc(assessmentRuns.id))
        .limit(1);
      return row ? { run: rowToRun(row), results: await runResults(org, row.id) } : null;
    },

    /** One control's verdicts over time, newest first; `before` pages back through older ones. */
    async resultHistory(
      org: OrganizationId,
      tenantId: TenantId,
      controlId: string,
      options: { limit?: number; before?: Date } = {},
    ): Promise<ResultHistoryEntry[]> {
      const rows = await db
        .select()
        .from(controlResults)
        .where(
          and(
            eq(controlResults.organizationId, org),
            eq(controlResults.tenantId, tenantId),
            eq(controlResults.controlId, controlId),
            options.before ? lt(controlResults.evaluatedAt, options.before) : undefined,
          ),
        )
        .orderBy(desc(controlResults.evaluatedAt), desc(controlResults.runId))
        .limit(parseInput(limit(1000, 50), options.limit, 'limit'));
      return rows.map((r) =>
        resultHistoryEntry.parse({
          runId: r.runId,
          status: r.status,
          coverage: { numerator: r.coverageNumerator, denominator: r.coverageDenominator },
          reason: r.reason,
          factsAsOf: isoOrNull(r.factsAsOf),
          evaluatedAt: iso(r.evaluatedAt),
        }),
      );
    },

    /** Drift of a tenant, newest first. */
    async listDrift(org: OrganizationId, tenantId: TenantId, options: { limit?: number } = {}): Promise<DriftEvent[]> {
      const rows = await db
        .select()
        .from(driftEvents)
        .where(and(eq(driftEvents.organizationId, org), eq(driftEvents.tenantId, tenantId)))
        .orderBy(desc(driftEvents.at), asc(driftEvents.controlId))
        .limit(parseInput(limit(1000, 100), options.limit, 'limit'));
      return rows.map(rowToDrift);
    },
  };
}
