import { ForbiddenError, InvalidInputError, idSchema, type OrganizationId, UnauthenticatedError } from '@evident/core';
import { STAFF_ROLES, type StaffRole } from '@evident/db';
import { initTRPC } from '@trpc/server';
import { z } from 'zod';
import { requireSession, type SessionCaller } from './auth/sessions.ts';
import type { Context } from './context.ts';
import { toTRPCError } from './errors.ts';
import { findNul } from './nul-input.ts';
import { resolveShare } from './services/shares.ts';

const t = initTRPC.context<Context>().create({
  errorFormatter({ shape, error }) {
    const issues = error.cause instanceof InvalidInputError ? error.cause.issues : undefined;
    return {
      ...shape,
      data: { code: shape.data.code, httpStatus: shape.data.httpStatus, path: shape.data.path, issues },
    };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/**
 * Every procedure passes here: input with a NUL is refused before anything reads it, domain errors become tRPC
 * errors, unknown ones a generic message (logged whole).
 */
const base = t.procedure.use(async ({ ctx, path, next, getRawInput }) => {
  // A body that does not parse is the input parser's to refuse, and only for procedures that take input.
  const nul = findNul(await getRawInput().catch(() => undefined));
  if (nul !== null) {
    const field = nul || 'input';
    throw toTRPCError(
      new InvalidInputError(`${field} holds a NUL character`, [{ path: field, message: 'NUL is not accepted' }]),
    );
  }
  const result = await next();
  if (result.ok) return result;
  const original = result.error.code === 'INTERNAL_SERVER_ERROR' ? (result.error.cause ?? result.error) : result.error;
  const mapped = toTRPCError(original);
  if (mapped.code === 'INTERNAL_SERVER_ERROR') ctx.deps.logger.error({ err: original, path }, 'procedure failed');
  throw mapped;
});

export const publicProcedure = base;

/** Signed in with a password, second factor not necessarily passed: only enrolment and the second step use it. */
export const pendingProcedure = base.use(async ({ ctx, next }) => next({ ctx: { caller: await requireSession(ctx) } }));

export interface Staff extends SessionCaller {
  organizationId: OrganizationId;
}

/** Signed in and the second factor passed. */
export const staffProcedure = base.use(async ({ ctx, next }) => {
  const caller = await requireSession(ctx);
  if (!caller.session.totpPassed) throw new UnauthenticatedError('the second factor is still to be given');
  return next({ ctx: { staff: caller satisfies Staff } });
});

const RANK: Record<StaffRole, number> = { viewer: 0, analyst: 1, admin: 2, owner: 3 };
export const atLeast = (role: StaffRole, min: StaffRole) => RANK[role] >= RANK[min];

/** Staff with at least `min` of owner > admin > analyst > viewer. */
export const roleProcedure = (min: StaffRole) =>
  staffProcedure.use(({ ctx, next }) => {
    if (!atLeast(ctx.staff.user.role, min)) throw new ForbiddenError(`this needs the ${min} role or higher`);
    return next();
  });

export const tenantInput = z.object({ tenantId: idSchema('ten') });

/** The input names a tenant of the caller's organization (else not found); the context carries it. */
export const tenantProcedure = (min: StaffRole = 'viewer') =>
  roleProcedure(min)
    .input(tenantInput)
    .use(async ({ ctx, input, next }) => {
      const tenant = await ctx.deps.store.getTenant(ctx.staff.organizationId, input.tenantId);
      return next({ ctx: { tenant } });
    });

/** A share token: read-only, one tenant; every use is recorded in the share's access log and audited. */
export const shareProcedure = base.use(async ({ ctx, path, next }) => {
  const share = await resolveShare(ctx.deps, ctx.req.shareToken, { ...ctx.req, what: path });
  if (!share) throw new UnauthenticatedError('this link is not valid (revoked, expired or mistyped)');
  return next({ ctx: { share } });
});

export { STAFF_ROLES };
