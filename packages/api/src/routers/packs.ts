import { isoDateTime } from '@evident/core';
import { z } from 'zod';
import { audited } from '../services/audit.ts';
import { listPacks, requirePacks } from '../services/packs.ts';
import { router, tenantProcedure } from '../trpc.ts';

export const packOut = z.object({ name: z.string(), size: z.number().int(), storedAt: isoDateTime });

const validZone = (tz: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

export const exportScheduleInput = z.object({
  cron: z
    .string()
    .trim()
    .regex(/^(\S+\s+){4}\S+$/, 'five fields: minute hour day-of-month month day-of-week, e.g. 0 6 1 * *')
    .max(100),
  tz: z.string().min(1).max(64).refine(validZone, 'not a known time zone (e.g. Europe/London)'),
});

/** A tenant's evidence packs: stored packs, export now (analyst+), the export schedule (admin+). */
export const packsRouter = router({
  list: tenantProcedure()
    .output(z.array(packOut))
    .query(({ ctx }) => listPacks(ctx.deps, ctx.staff.organizationId, ctx.tenant.id)),

  exportNow: tenantProcedure('analyst')
    .output(z.object({ jobId: z.string() }))
    .mutation(async ({ ctx }) => {
      const packs = requirePacks(ctx.deps);
      const jobId = await audited(
        ctx,
        () => packs.exportNow(ctx.staff.organizationId, ctx.tenant.id),
        (jobId) => ({ action: 'evidence_pack.export_requested', target: ctx.tenant.id, data: { jobId } }),
      );
      return { jobId };
    }),

  schedule: tenantProcedure()
    .output(z.object({ schedule: z.object({ cron: z.string(), tz: z.string() }).nullable() }))
    .query(async ({ ctx }) => {
      const cron = await requirePacks(ctx.deps).currentSchedule(ctx.staff.organizationId, ctx.tenant.id);
      return { schedule: cron ? { cron: cron.pattern, tz: cron.tz } : null };
    }),

  setSchedule: tenantProcedure('admin')
    .input(exportScheduleInput)
    .output(z.object({ cron: z.string(), tz: z.string() }))
    .mutation(async ({ ctx, input }) => {
      const packs = requirePacks(ctx.deps);
      await audited(
        ctx,
        () => packs.schedule(ctx.staff.organizationId, ctx.tenant.id, { pattern: input.cron, tz: input.tz }),
        () => ({
          action: 'evidence_pack.schedule_set',
          target: ctx.tenant.id,
          data: { cron: input.cron, tz: input.tz },
        }),
      );
      return { cron: input.cron, tz: input.tz };
    }),

  clearSchedule: tenantProcedure('admin')
    .output(z.object({ cleared: z.literal(true) }))
    .mutation(async ({ ctx }) => {
      const packs = requirePacks(ctx.deps);
      await audited(
        ctx,
        () => packs.schedule(ctx.staff.organizationId, ctx.tenant.id, null),
        () => ({ action: 'evidence_pack.schedule_cleared', target: ctx.tenant.id }),
      );
      return { cleared: true as const };
    }),
});
