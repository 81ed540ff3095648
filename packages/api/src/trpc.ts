import { ForbiddenError, InvalidInputError, idSchema, type OrganizationId, UnauthenticatedError } from '@evident/core';
import { type Share, STAFF_ROLES, type StaffRole, sha256 } from '@evident/db';
import { initTRPC } from '@trpc/server';
import { z } from 'zod';
import { requireSession, type SessionCaller } from './auth/sessions.ts';
import type { Context } from './context.ts';
import { toTRPCError } from './errors.ts';
import { findNul } from './nul-input.ts';

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

/** A share token: read-only, one tenant; every use is logged and audited. */
export const shareProcedure = base.use(async ({ ctx, path, next }) => {
  const token = ctx.req.shareToken;
  const share: Share | null = token ? await ctx.deps.store.findShareByToken(sha256(token)) : null;
  if (!share) throw new UnauthenticatedError('this link is not valid (revoked, expired or mistyped)');
  const { store } = ctx.deps;
  await store.recordShareAccess(share.organizationId, share.id, {
    address: ctx.req.address,
    userAgent: ctx.req.userAgent?.slice(0, 500) ?? null,
    what: path,
  });
  await store.appendAudit(share.organizationId, {
    actor: `share:${share.id}`,
    action: 'share.access',
    target: share.tenantId,
    data: { procedure: path, ...(ctx.req.address ? { address: ctx.req.address } : {}) },
  });
  return next({ ctx: { share } });
});

export { STAFF_ROLES };
