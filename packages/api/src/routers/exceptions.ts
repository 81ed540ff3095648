import { InvalidInputError, idSchema, isoDateTime, NotFoundError } from '@evident/core';
import { z } from 'zod';
import { audited } from '../services/audit.ts';
import { router, tenantProcedure } from '../trpc.ts';

const exceptionOut = z.object({
  id: idSchema('exc'),
  controlId: z.string(),
  subject: z.string(),
  connection: z.string().nullable(),
  reason: z.string(),
  approver: z.string(),
  expiresAt: isoDateTime,
  createdAt: isoDateTime,
  /** Expired exceptions excuse nothing; they stay listed so their lapse is visible. */
  expired: z.boolean(),
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
        expiresAt: e.expiresAt,
        createdAt: e.createdAt,
        expired: e.expiresAt <= now,
      }));
    }),

  /** `subject` may be `*` for every subject of the control; `controlId` may be `*` for every control. */
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
    .output(z.object({ id: idSchema('exc') }))
    .mutation(async ({ ctx, input }) => {
      if (Date.parse(input.expiresAt) <= ctx.deps.now().getTime())
        throw new InvalidInputError('an exception must expire in the future', [
          { path: 'expiresAt', message: 'in the past' },
        ]);
      const e = await audited(
        ctx,
        (tx) =>
          tx.createException(ctx.staff.organizationId, ctx.tenant.id, { ...input, approver: ctx.staff.user.email }),
        (e) => ({
          action: 'exception.create',
          target: e.id,
          data: { control: e.controlId, subject: e.subject, expiresAt: e.expiresAt },
        }),
      );
      return { id: e.id };
    }),

  expire: tenantProcedure('analyst')
    .input(z.object({ exceptionId: idSchema('exc') }))
    .output(z.object({ expiresAt: isoDateTime }))
    .mutation(async ({ ctx, input }) => {
      const org = ctx.staff.organizationId;
      const own = await ctx.deps.store.listExceptions(org, ctx.tenant.id);
      if (!own.some((e) => e.id === input.exceptionId)) throw new NotFoundError('exception', input.exceptionId);
      const e = await audited(
        ctx,
        (tx) => tx.expireException(org, input.exceptionId, ctx.deps.now()),
        (e) => ({ action: 'exception.expire', target: e.id }),
      );
      return { expiresAt: e.expiresAt };
    }),
});
