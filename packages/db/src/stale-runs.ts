import { and, asc, eq, lt } from 'drizzle-orm';
import type { Database } from './client.ts';
import type { AssessmentRun } from './domain.ts';
import { translateError } from './errors.ts';
import { rowToRun } from './repos/runs.ts';
import { assessmentRuns } from './schema/runs.ts';

/**
 * Runs of every organization still `running` that started before `before`, oldest first. For the pipeline's reaper
 * alone (it re-enqueues or fails runs whose jobs were never queued or were lost), hence outside the store.
 */
export async function staleRuns(database: Database, before: Date, limit = 100): Promise<AssessmentRun[]> {
  try {
    const rows = await database.drizzle
      .select()
      .from(assessmentRuns)
      .where(and(eq(assessmentRuns.status, 'running'), lt(assessmentRuns.startedAt, before)))
      .orderBy(asc(assessmentRuns.startedAt), asc(assessmentRuns.id))
      .limit(limit);
    return rows.map(rowToRun);
  } catch (error) {
    throw translateError(error);
  }
}
