import { type ControlResult, controlResult, InvalidInputError, type OrganizationId, type RunId } from '@evident/core';
import { and, asc, count, desc, eq, exists, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../client.ts';
import type { AssessmentRun, DriftEvent } from '../domain.ts';
import { controlResults, driftEvents } from '../schema/results.ts';
import { assessmentRuns } from '../schema/runs.ts';
import { pendingOutboxOfRun, writeAlertOutbox } from './alert-outbox.ts';
import { found, parseInput, type RepoContext } from './boundary.ts';
import { writeResultSubjects } from './evidence.ts';
import { rowToDrift } from './result-queries.ts';
import { rowToRun } from './runs.ts';

const resultsInput = z.array(controlResult).refine((rs) => new Set(rs.map((r) => r.controlId)).size === rs.length, {
  message: 'each control appears once',
});

export interface WriteResultsOutcome {
  /** False when the run already had results: nothing was written and `drift` is what the first write found. */
  created: boolean;
  drift: DriftEvent[];
  /** Alert outbox rows of the run still to deliver (with their round): enqueue them once this has returned. */
  alerts: { id: string; round: number }[];
}

/** The tenant's latest run before `run` that has results: what drift is measured against. */
async function previousRun(db: Db, run: AssessmentRun): Promise<RunId | undefined> {
  const [row] = await db
    .select({ id: assessmentRuns.id })
    .from(assessmentRuns)
    .where(
      and(
        eq(assessmentRuns.organizationId, run.organizationId),
        eq(assessmentRuns.tenantId, run.tenantId),
        sql`(${assessmentRuns.startedAt}, ${assessmentRuns.id}) < (${run.startedAt}::timestamptz, ${run.id}::text)`,
        exists(
          db
            .select({ one: sql`1` })
            .from(controlResults)
            .where(
              and(eq(controlResults.organizationId, run.organizationId), eq(controlResults.runId, assessmentRuns.id)),
            ),
        ),
      ),
    )
    .orderBy(desc(assessmentRuns.startedAt), desc(assessmentRuns.id))
    .limit(1);
  return row?.id;
}

export function resultsRepo({ db }: RepoContext) {
  const ofRun = (org: OrganizationId, runId: RunId) =>
    and(eq(controlResults.organizationId, org), eq(controlResults.runId, runId));
  const driftOfRun = async (tx: Db, org: OrganizationId, runId: RunId) =>
    (
      await tx
        .select()
        .from(driftEvents)
        .where(and(eq(driftEvents.organizationId, org), eq(driftEvents.runId, runId)))
        .orderBy(asc(driftEvents.controlId))
    ).map(rowToDrift);

  return {
    /**
     * Stores a run's control results and, in the same transaction, the drift since the tenant's previous run:
     * one event per control whose status changed. Written once per run; a retry returns the first outcome.
     */
    async writeResults(org: OrganizationId, runId: RunId, results: ControlResult[]): Promise<WriteResultsOutcome> {
      const parsed = parseInput(resultsInput, results, 'control results');
      return db.transaction(async (tx) => {
        const [runRow] = await tx
          .select()
          .from(assessmentRuns)
          .where(and(eq(assessmentRuns.organizationId, org), eq(assessmentRuns.id, runId)))
          .for('update');
        const run = rowToRun(found(runRow, 'assessment run', runId));
        const [written] = await tx.select({ n: count() }).from(controlResults).where(ofRun(org, runId));
        if (written!.n > 0) {
          return {
            created: false,
            drift: await driftOfRun(tx, org, runId),
            alerts: await pendingOutboxOfRun(tx, org, runId),
          };
        }
        if (parsed.length === 0) throw new InvalidInputError('a run needs at least one control result');
        await tx.insert(controlResults).values(
          parsed.map((r) => ({
            organizationId: org,
            runId,
            tenantId: run.tenantId,
            controlId: r.controlId,
            status: r.status,
            coverageNumerator: r.coverage.numerator,
            coverageDenominator: r.coverage.denominator,
            reason: r.reason,
            failing: r.failing,
            excepted: r.excepted,
            evidence: r.evidence,
            factsAsOf: r.factsAsOf === null ? null : new Date(r.factsAsOf),
            evaluatedAt: new Date(r.evaluatedAt),
          })),
        );
        await writeResultSubjects(tx, org, runId);
        const counted = (keep: (r: ControlResult) => boolean) => parsed.filter(keep).length;
        await tx
          .update(assessmentRuns)
          .set({
            resultCount: parsed.length,
            passingCount: counted((r) => r.status === 'pass'),
            partialCount: counted((r) => r.status === 'partial'),
            applicableCount: counted((r) => r.status !== 'not_applicable'),
          })
          .where(and(eq(assessmentRuns.organizationId, org), eq(assessmentRuns.id, runId)));
        const previousId = await previousRun(tx, run);
        if (!previousId) return { created: true, drift: [], alerts: [] };
        const before = new Map(
          (
            await tx
              .select({ controlId: controlResults.controlId, status: controlResults.status })
              .from(controlResults)
              .where(ofRun(org, previousId))
          ).map((r) => [r.controlId, r.status]),
        );
        await writeAlertOutbox(tx, org, run, previousId, before, parsed);
        const alerts = await pendingOutboxOfRun(tx, org, runId);
        const changed = parsed.filter((r) => before.has(r.controlId) && before.get(r.controlId) !== r.status);
        if (changed.length === 0) return { created: true, drift: [], alerts };
        const rows = await tx
          .insert(driftEvents)
          .values(
            changed.map((r) => ({
              organizationId: org,
              tenantId: run.tenantId,
              controlId: r.controlId,
              runId,
              previousRunId: previousId,
              fromStatus: before.get(r.controlId)!,
              toStatus: r.status,
              at: new Date(r.evaluatedAt),
            })),
          )
          .returning();
        return {
          created: true,
          drift: rows.map(rowToDrift).sort((a, b) => a.controlId.localeCompare(b.controlId)),
          alerts,
        };
      });
    },
  };
}
