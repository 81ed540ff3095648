import { isoDateTime } from '@evident/core';
import { z } from 'zod';
import { audit } from '../services/audit.ts';
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
      const jobId = await requirePacks(ctx.deps).exportNow(ctx.staff.organizationId, ctx.tenant.id);
      await audit(ctx, 'evidence_pack.export_requested', ctx.tenant.id, { jobId });
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
      await requirePacks(ctx.deps).schedule(ctx.staff.organizationId, ctx.tenant.id, {
        pattern: input.cron,
        tz: input.tz,
      });
      await audit(ctx, 'evidence_pack.schedule_set', ctx.tenant.id, { cron: input.cron, tz: input.tz });
      return { cron: input.cron, tz: input.tz };
    }),

  clearSchedule: tenantProcedure('admin')
    .output(z.object({ cleared: z.literal(true) }))
    .mutation(async ({ ctx }) => {
      await requirePacks(ctx.deps).schedule(ctx.staff.organizationId, ctx.tenant.id, null);
      await audit(ctx, 'evidence_pack.schedule_cleared', ctx.tenant.id);
      return { cleared: true as const };
    }),
});
