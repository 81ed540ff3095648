import { evidenceRef, idSchema, isoDateTime, NotFoundError, TENANT_KINDS } from '@evident/core';
import { tenantSchedule } from '@evident/db';
import { z } from 'zod';
import { PreconditionError } from '../errors.ts';
import { audited, staffActor, writeAudit } from '../services/audit.ts';
import { roleProcedure, router, staffProcedure, tenantProcedure } from '../trpc.ts';
import { exportScheduleInput } from './packs.ts';
import { coverageOut, OK, ok, statusOut, toResults } from './shapes.ts';

const tenantOut = z.object({
  id: idSchema('ten'),
  name: z.string(),
  kind: z.enum(TENANT_KINDS),
  createdAt: isoDateTime,
});
const pick = (t: z.infer<typeof tenantOut>) => ({ id: t.id, name: t.name, kind: t.kind, createdAt: t.createdAt });
const name = z.string().trim().min(1).max(200);

export const resultOut = z.object({
  controlId: z.string(),
  title: z.string(),
  status: statusOut,
  coverage: coverageOut,
  reason: z.string(),
  failingCount: z.number().int(),
  exceptedCount: z.number().int(),
  evidence: z.array(evidenceRef),
  factsAsOf: isoDateTime.nullable(),
  evaluatedAt: isoDateTime,
});

export const tenantRouter = router({
  list: staffProcedure
    .output(z.array(tenantOut))
    .query(async ({ ctx }) => (await ctx.deps.store.listTenants(ctx.staff.organizationId)).map(pick)),

  create: roleProcedure('admin')
    .input(z.object({ name, kind: z.enum(TENANT_KINDS) }))
    .output(tenantOut)
    .mutation(async ({ ctx, input }) => {
      const tenant = await audited(
        ctx,
        (tx) => tx.createTenant(ctx.staff.organizationId, input),
        (t) => ({ action: 'tenant.create', target: t.id, data: { name: t.name } }),
      );
      return pick(tenant);
    }),

  get: tenantProcedure()
    .output(tenantOut)
    .query(({ ctx }) => pick(ctx.tenant)),

  rename: tenantProcedure('admin')
    .input(z.object({ name }))
    .output(tenantOut)
    .mutation(async ({ ctx, input }) => {
      const tenant = await audited(
        ctx,
        (tx) => tx.renameTenant(ctx.staff.organizationId, ctx.tenant.id, input.name),
        (t) => ({ action: 'tenant.rename', target: t.id, data: { from: ctx.tenant.name, to: t.name } }),
      );
      return pick(tenant);
    }),

  delete: tenantProcedure('admin')
    .output(ok)
    .mutation(async ({ ctx }) => {
      // Its live shares are revoked with it, so no link outlives the tenant.
      await audited(
        ctx,
        (tx) => tx.deleteTenant(ctx.staff.organizationId, ctx.tenant.id),
        (revoked) => ({
          action: 'tenant.delete',
          target: ctx.tenant.id,
          data: { name: ctx.tenant.name, sharesRevoked: revoked.sharesRevoked },
        }),
      );
      return OK;
    }),

  /** The latest verdict of every control, with its reason; subject lists are paged by `evidence.page`. */
  results: tenantProcedure()
    .output(z.object({ runId: idSchema('run').nullable(), results: z.array(resultOut) }))
    .query(async ({ ctx }) =>
      toResults(await ctx.deps.store.latestResultSummaries(ctx.staff.organizationId, ctx.tenant.id)),
    ),

  history: tenantProcedure()
    .input(z.object({ controlId: z.string().min(1).max(20), limit: z.number().int().min(1).max(1000).default(90) }))
    .output(
      z.array(
        z.object({
          runId: idSchema('run'),
          status: statusOut,
          coverage: coverageOut,
          reason: z.string(),
          evaluatedAt: isoDateTime,
        }),
      ),
    )
    .query(async ({ ctx, input }) =>
      (
        await ctx.deps.store.resultHistory(ctx.staff.organizationId, ctx.tenant.id, input.controlId, {
          limit: input.limit,
        })
      ).map(({ runId, status, coverage, reason, evaluatedAt }) => ({ runId, status, coverage, reason, evaluatedAt })),
    ),

  /**
   * Status changes, newest first, and for each control now failing the moment it started to. A change found by a
   * watcher names what set it off: who did what, when, as the provider's trail says (`changes`).
   */
  drift: tenantProcedure()
    .input(z.object({ limit: z.number().int().min(1).max(1000).default(100) }))
    .output(
      z.object({
        events: z.array(
          z.object({
            controlId: z.string(),
            runId: idSchema('run'),
            from: statusOut,
            to: statusOut,
            at: isoDateTime,
            changes: z.array(
              z.object({
                at: isoDateTime,
                actor: z.string().nullable(),
                action: z.string(),
                target: z.string().nullable(),
              }),
            ),
          }),
        ),
        failingSince: z.array(z.object({ controlId: z.string(), since: isoDateTime })),
      }),
    )
    .query(async ({ ctx, input }) => {
      const org = ctx.staff.organizationId;
      const events = await ctx.deps.store.listDrift(org, ctx.tenant.id, { limit: input.limit });
      const triggers = await ctx.deps.store.changesOfRuns(org, [...new Set(events.map((e) => e.runId))]);
      const since = new Map<string, string>();
      for (const e of events) if (!since.has(e.controlId)) since.set(e.controlId, e.to === 'fail' ? e.at : '');
      return {
        events: events.map(({ controlId, runId, from, to, at }) => ({
          controlId,
          runId,
          from,
          to,
          at,
          changes: (triggers.get(runId) ?? []).map((c) => ({
            at: c.at,
            actor: c.actor,
            action: c.action,
            target: c.target,
          })),
        })),
        failingSince: [...since].filter(([, at]) => at).map(([controlId, at]) => ({ controlId, since: at })),
      };
    }),

  schedule: tenantProcedure()
    .output(z.object({ schedule: tenantSchedule.nullable() }))
    .query(async ({ ctx }) => ({
      schedule: await ctx.deps.store.getTenantSchedule(ctx.staff.organizationId, ctx.tenant.id),
    })),

  setSchedule: tenantProcedure('admin')
    // A cron pattern is checked as the export schedule's is: five fields and a time zone that exists.
    .input(z.object({ schedule: z.union([tenantSchedule.options[0], exportScheduleInput.strict()]).nullable() }))
    .output(ok)
    .mutation(async ({ ctx, input }) => {
      await audited(
        ctx,
        (tx) => tx.setTenantSchedule(ctx.staff.organizationId, ctx.tenant.id, input.schedule),
        () => ({
          action: 'tenant.schedule',
          target: ctx.tenant.id,
          data: { schedule: JSON.stringify(input.schedule) },
        }),
      );
      return OK;
    }),

  /** Starts an assessment of the tenant now; progress follows on `runProgress`. */
  assessNow: tenantProcedure('analyst')
    .output(z.object({ runId: idSchema('run') }))
    .mutation(async ({ ctx }) => {
      const assessments = ctx.deps.assessments;
      if (!assessments) throw new PreconditionError('this server cannot start assessments (no job queue)');
      const who = staffActor(ctx);
      const runId = await assessments.assessNow(ctx.staff.organizationId, ctx.tenant.id, (tx, run) =>
        writeAudit(tx, who, { action: 'tenant.assess', target: ctx.tenant.id, data: { run } }),
      );
      return { runId };
    }),

  /** Per connection: phase, pages, facts, gaps; ends when the run is done. */
  runProgress: tenantProcedure()
    .input(z.object({ runId: idSchema('run') }))
    .use(async ({ ctx, input, next }) => {
      const run = await ctx.deps.store.getRun(ctx.staff.organizationId, input.runId);
      if (run.tenantId !== ctx.tenant.id) throw new NotFoundError('assessment run', input.runId);
      const assessments = ctx.deps.assessments;
      if (!assessments) throw new PreconditionError('this server cannot follow assessments (no job queue)');
      return next({ ctx: { assessments } });
    })
    .subscription(async function* ({ ctx, input, signal }) {
      const stop = signal ?? new AbortController().signal;
      yield* ctx.assessments.progress(ctx.staff.organizationId, input.runId, stop);
    }),
});
