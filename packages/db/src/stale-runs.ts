import type { OrganizationId, RunId } from '@evident/core';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Database } from './client.ts';
import type { AssessmentRun } from './domain.ts';
import { translateError } from './errors.ts';
import { rowsOf } from './repos/boundary.ts';
import { rowToRun } from './repos/runs.ts';
import { assessmentRuns } from './schema/runs.ts';

/**
 * Runs of every organization still `running` that started before `before`, oldest first. For the pipeline's reaper
 * alone (it re-enqueues or fails runs whose jobs were never queued or were lost), hence outside the store: the ids
 * come from the owner's lookup (migration 0006), the rows are read under each organization's row security.
 */
export async function staleRuns(database: Database, before: Date, limit = 100): Promise<AssessmentRun[]> {
  try {
    const ids = rowsOf(
      await database.drizzle.execute(
        sql`select * from evident_stale_runs(${before.toISOString()}::timestamptz, ${limit})`,
      ),
    );
    const byOrg = new Map<OrganizationId, RunId[]>();
    for (const r of ids) {
      const org = r.organization_id as OrganizationId;
      byOrg.set(org, [...(byOrg.get(org) ?? []), r.id as RunId]);
    }
    const runs: AssessmentRun[] = [];
    for (const [org, runIds] of byOrg) {
      const rows = await database.drizzle.transaction(async (tx) => {
        await tx.execute(sql`select set_config('evident.organization_id', ${org}, true)`);
        return tx
          .select()
          .from(assessmentRuns)
          .where(and(eq(assessmentRuns.organizationId, org), inArray(assessmentRuns.id, runIds)));
      });
      runs.push(...rows.map(rowToRun));
    }
    return runs.sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.id.localeCompare(b.id));
  } catch (error) {
    throw translateError(error);
  }
}
