import {
  type ExceptionId,
  InvalidInputError,
  idSchema,
  isoDateTime,
  NotFoundError,
  type TenantId,
} from '@evident/core';
import type { Store } from '@evident/db';
import { z } from 'zod';
import { audited, staffActor, writeAudit } from '../services/audit.ts';
import { router, tenantProcedure } from '../trpc.ts';

type TenantContext = Parameters<typeof staffActor>[0] & { tenant: { id: TenantId } };

const exceptionOut = z.object({
  id: idSchema('exc'),
  controlId: z.string(),
  subject: z.string(),
  connection: z.string().nullable(),
  reason: z.string(),
  approver: z.string(),
  requestedBy: z.string().nullable(),
  expiresAt: isoDateTime,
  createdAt: isoDateTime,
  /** Expired exceptions excuse nothing; they stay listed so their lapse is visible. */
  expired: z.boolean(),
});

const requestOut = z.object({
  id: idSchema('exr'),
  controlId: z.string(),
  subject: z.string(),
  connection: z.string().nullable(),
  reason: z.string(),
  expiresAt: isoDateTime,
  requestedBy: z.string(),
  createdAt: isoDateTime,
  decision: z.enum(['approved', 'declined']).nullable(),
  decidedBy: z.string().nullable(),
  decidedAt: isoDateTime.nullable(),
  /** Asked for by the caller, who cannot decide it. */
  mine: z.boolean(),
});

export const exceptionsRouter = router({
  list: tenantProcedure()
    .output(z.array(exceptionOut))
    .query(async ({ ctx }) => {
      const now = ctx.deps.now().toISOString();
      return (await ctx.deps.store.listExceptions(ctx.staff.organizationId, ctx.tenant.id)).map((e) => ({
        id: e.id,
        controlId: e.controlId,
        subject: e.subject,
        connection: e.connection ?? null,
        reason: e.reason,
        approver: e.approver,
        requestedBy: e.requestedBy ?? null,
        expiresAt: e.expiresAt,
        createdAt: e.createdAt,
        expired: e.expiresAt <= now,
      }));
    }),

  /**
   * Asks for an exception: `subject` may be `*` for every subject of the control; `controlId` may be `*` for every
   * control. It excuses nothing until another staff member approves it (`decide`).
   */
  create: tenantProcedure('analyst')
    .input(
      z.object({
        controlId: z.string().trim().min(1).max(20),
        subject: z.string().trim().min(1).max(500),
        connection: z.string().trim().min(1).max(200).optional(),
        reason: z.string().trim().min(3).max(2000),
        expiresAt: isoDateTime,
      }),
    )
    .output(z.object({ requestId: idSchema('exr') }))
    .mutation(async ({ ctx, input }) => {
      if (Date.parse(input.expiresAt) <= ctx.deps.now().getTime())
        throw new InvalidInputError('an exception must expire in the future', [
          { path: 'expiresAt', message: 'in the past' },
        ]);
      const r = await audited(
        ctx,
        (tx) =>
          tx.requestException(ctx.staff.organizationId, ctx.tenant.id, {
            ...input,
            requestedById: ctx.staff.user.id,
            requestedBy: ctx.staff.user.email,
          }),
        (r) => ({
          action: 'exception.request',
          target: r.id,
          data: { control: r.controlId, subject: r.subject, expiresAt: r.expiresAt },
        }),
      );
      return { requestId: r.id };
    }),

  /** Requests awaiting a decision first, then decided ones, for the record. */
  requests: tenantProcedure()
    .output(z.array(requestOut))
    .query(async ({ ctx }) =>
      (await ctx.deps.store.listExceptionRequests(ctx.staff.organizationId, ctx.tenant.id)).map((r) => ({
        id: r.id,
        controlId: r.controlId,
        subject: r.subject,
        connection: r.connection,
        reason: r.reason,
        expiresAt: r.expiresAt,
        requestedBy: r.requestedBy,
        createdAt: r.createdAt,
        decision: r.decision,
        decidedBy: r.decidedBy,
        decidedAt: r.decidedAt,
        mine: r.requestedById === ctx.staff.user.id,
      })),
    ),

  /**
   * An admin other than the requester approves or declines. An approval is in force at once: the stored facts are
   * evaluated again in the same step (without a job queue, at the next assessment).
   */
  decide: tenantProcedure('admin')
    .input(z.object({ requestId: idSchema('exr'), approve: z.boolean() }))
    .output(z.object({ exceptionId: idSchema('exc').nullable(), reevaluated: z.boolean() }))
    .mutation(async ({ ctx, input }) => {
      const org = ctx.staff.organizationId;
      const own = await ctx.deps.store.listExceptionRequests(org, ctx.tenant.id, 10_000);
      if (!own.some((r) => r.id === input.requestId)) throw new NotFoundError('exception request', input.requestId);
      const who = staffActor(ctx);
      let exceptionId: ExceptionId | null = null;
      const decide = async (tx: Store) => {
        const { request, exception } = await tx.decideExceptionRequest(org, input.requestId, {
          approve: input.approve,
          by: ctx.staff.user.email,
          at: ctx.deps.now(),
        });
        exceptionId = exception?.id ?? null;
        await writeAudit(tx, who, {
          action: input.approve ? 'exception.approve' : 'exception.decline',
          target: request.id,
          data: { control: request.controlId, subject: request.subject, requestedBy: request.requestedBy, exceptionId },
        });
      };
      const reevaluated = await inForce(ctx, input.approve, decide);
      return { exceptionId, reevaluated };
    }),

  /** Ends an exception now; like an approval, it takes effect on the stored facts at once. */
  expire: tenantProcedure('analyst')
    .input(z.object({ exceptionId: idSchema('exc') }))
    .output(z.object({ expiresAt: isoDateTime, reevaluated: z.boolean() }))
    .mutation(async ({ ctx, input }) => {
      const org = ctx.staff.organizationId;
      const own = await ctx.deps.store.listExceptions(org, ctx.tenant.id);
      if (!own.some((e) => e.id === input.exceptionId)) throw new NotFoundError('exception', input.exceptionId);
      const who = staffActor(ctx);
      let expiresAt = '';
      const expire = async (tx: Store) => {
        const e = await tx.expireException(org, input.exceptionId, ctx.deps.now());
        expiresAt = e.expiresAt;
        await writeAudit(tx, who, { action: 'exception.expire', target: e.id });
      };
      const reevaluated = await inForce(ctx, true, expire);
      return { expiresAt, reevaluated };
    }),
});

/**
 * Makes an exception change and, when it changes what is excused, opens a run that evaluates the stored facts
 * again, in one transaction: with the queue down nothing changes and the caller is told so. Without a job queue
 * the change alone is made; the next assessment applies it.
 */
async function inForce(ctx: TenantContext, changesVerdicts: boolean, change: (tx: Store) => Promise<void>) {
  const assessments = ctx.deps.assessments;
  if (!changesVerdicts || !assessments) {
    await ctx.deps.store.transaction(change);
    return false;
  }
  await assessments.reevaluate(ctx.staff.organizationId, ctx.tenant.id, change);
  return true;
}
