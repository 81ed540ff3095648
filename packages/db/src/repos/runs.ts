import { ConflictError, idSchema, newId, type OrganizationId, type RunId, type TenantId } from '@evident/core';
import { and, desc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { type AssessmentRun, assessmentRun } from '../domain.ts';
import { assessmentRuns, RUN_TRIGGERS } from '../schema/runs.ts';
import { found, iso, isoOrNull, parseInput, type RepoContext } from './boundary.ts';
import { tenantsRepo } from './tenants.ts';

type Row = typeof assessmentRuns.$inferSelect;

export const rowToRun = (row: Row): AssessmentRun =>
  assessmentRun.parse({
    id: row.id,
    organizationId: row.organizationId,
    tenantId: row.tenantId,
    trigger: row.trigger,
    status: row.status,
    startedAt: iso(row.startedAt),
    finishedAt: isoOrNull(row.finishedAt),
    error: row.error,
  });

const createInput = z.object({
  /** A deterministic id (from the job that starts the run) makes creating it again a no-op. */
  id: idSchema('run').optional(),
  tenantId: idSchema('ten'),
  trigger: z.enum(RUN_TRIGGERS),
  startedAt: z.date().optional(),
});
export type CreateRunInput = z.input<typeof createInput>;

const finishInput = z.object({
  status: z.enum(['succeeded', 'failed']),
  error: z.string().min(1).nullable().default(null),
  finishedAt: z.date().optional(),
});
export type FinishRunInput = z.input<typeof finishInput>;

export function runsRepo(ctx: RepoContext) {
  const { db } = ctx;
  const byId = (org: OrganizationId, id: RunId) =>
    and(eq(assessmentRuns.organizationId, org), eq(assessmentRuns.id, id));

  async function getRun(org: OrganizationId, id: RunId): Promise<AssessmentRun> {
    const [row] = await db.select().from(assessmentRuns).where(byId(org, id));
    return rowToRun(found(row, 'assessment run', id));
  }

  return {
    getRun,

    async createRun(org: OrganizationId, input: CreateRunInput): Promise<AssessmentRun> {
      const values = parseInput(createInput, input, 'assessment run');
      await tenantsRepo(ctx).getTenant(org, values.tenantId);
      const id = values.id ?? newId('run');
      const [row] = await db
        .insert(assessmentRuns)
        .values({ ...values, id, organizationId: org, startedAt: values.startedAt ?? new Date() })
        .onConflictDoNothing()
        .returning();
      if (row) return rowToRun(row);
      const [existing] = await db.select().from(assessmentRuns).where(byId(org, id));
      if (existing?.tenantId !== values.tenantId) throw new ConflictError(`assessment run ${id} already exists`);
      return rowToRun(existing);
    },

    async listRuns(
      org: OrganizationId,
      tenantId: TenantId,
      options: { limit?: number } = {},
    ): Promise<AssessmentRun[]> {
      const limit = parseInput(z.number().int().min(1).max(1000).default(50), options.limit, 'limit');
      const rows = await db
        .select()
        .from(assessmentRuns)
        .where(and(eq(assessmentRuns.organizationId, org), eq(assessmentRuns.tenantId, tenantId)))
        .orderBy(desc(assessmentRuns.startedAt), desc(assessmentRuns.id))
        .limit(limit);
      return rows.map(rowToRun);
    },

    /** Finishing a finished run changes nothing, so a retried job can call it again. */
    async finishRun(org: OrganizationId, id: RunId, input: FinishRunInput): Promise<AssessmentRun> {
      const values = parseInput(finishInput, input, 'run outcome');
      const [row] = await db
        .update(assessmentRuns)
        .set({ status: values.status, error: values.error, finishedAt: values.finishedAt ?? new Date() })
        .where(and(byId(org, id), eq(assessmentRuns.status, 'running')))
        .returning();
      return row ? rowToRun(row) : getRun(org, id);
    },
  };
}
