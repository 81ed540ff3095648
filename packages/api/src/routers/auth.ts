import { idSchema, isoDateTime } from '@evident/core';
import { z } from 'zod';
import { pendingStep } from '../auth/passkey-policy.ts';
import { endSession } from '../auth/sessions.ts';
import {
  acceptInvitation,
  beginEnrolment,
  changePassword,
  confirmEnrolment,
  signIn,
  signUp,
  verifySecondFactor,
} from '../auth/sign-in.ts';
import { pendingProcedure, publicProcedure, router, staffProcedure } from '../trpc.ts';
import { email, nextStep, OK, ok, password, staffUserOut, toStaffUserOut } from './shapes.ts';

const code = z
  .string()
  .trim()
  .regex(/^\d{6}$/, 'six digits');

export const authRouter = router({
  signUp: publicProcedure
    .input(z.object({ organizationName: z.string().trim().min(1).max(200), email, password }))
    .output(nextStep)
    .mutation(async ({ ctx, input }) => ({ next: await signUp(ctx, input) })),

  signIn: publicProcedure
    .input(z.object({ email, password: z.string().min(1).max(256), organizationId: idSchema('org').optional() }))
    .output(nextStep)
    .mutation(async ({ ctx, input }) => ({ next: await signIn(ctx, input) })),

  acceptInvitation: publicProcedure
    .input(z.object({ token: z.string().min(20).max(100), password }))
    .output(nextStep)
    .mutation(async ({ ctx, input }) => ({ next: await acceptInvitation(ctx, input.token, input.password) })),

  /** Where a half-signed-in session stands: which step is next. */
  pending: pendingProcedure
    .output(z.object({ email: z.string(), next: z.enum(['enrol', 'totp', 'passkey', 'passkey_enrol', 'done']) }))
    .query(async ({ ctx }) => ({ email: ctx.caller.user.email, next: await pendingStep(ctx, ctx.caller) })),

  beginEnrolment: pendingProcedure
    .output(z.object({ secret: z.string(), uri: z.string(), qrSvg: z.string() }))
    .mutation(({ ctx }) => beginEnrolment(ctx, ctx.caller)),

  confirmEnrolment: pendingProcedure
    .input(z.object({ code }))
    .output(z.object({ recoveryCodes: z.array(z.string()).length(10) }))
    .mutation(async ({ ctx, input }) => ({ recoveryCodes: await confirmEnrolment(ctx, ctx.caller, input.code) })),

  verify: pendingProcedure
    .input(z.union([z.object({ code }), z.object({ recoveryCode: z.string().trim().min(10).max(20) })]))
    .output(ok)
    .mutation(async ({ ctx, input }) => {
      await verifySecondFactor(ctx, ctx.caller, input);
      return OK;
    }),

  signOut: publicProcedure.output(ok).mutation(async ({ ctx }) => {
    await endSession(ctx);
    return OK;
  }),

  me: staffProcedure
    .output(
      z.object({
        user: staffUserOut,
        organization: z.object({ id: idSchema('org'), name: z.string() }),
        session: z.object({ createdAt: isoDateTime, expiresAt: isoDateTime }),
        recoveryCodesLeft: z.number().int(),
      }),
    )
    .query(async ({ ctx }) => {
      const { store } = ctx.deps;
      const { organizationId: org, user, session } = ctx.staff;
      const organization = await store.getOrganization(org);
      return {
        user: toStaffUserOut(user),
        organization: { id: organization.id, name: organization.name },
        session: { createdAt: session.createdAt, expiresAt: session.expiresAt },
        recoveryCodesLeft: await store.unusedRecoveryCodes(org, user.id),
      };
    }),

  changePassword: staffProcedure
    .input(z.object({ current: z.string().min(1).max(256), next: password }))
    .output(ok)
    .mutation(async ({ ctx, input }) => {
      await changePassword(ctx, ctx.staff, input.current, input.next);
      return OK;
    }),
});
