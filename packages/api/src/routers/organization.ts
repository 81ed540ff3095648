import { ConflictError, ForbiddenError, idSchema, isoDateTime } from '@evident/core';
import { STAFF_ROLES, sha256 } from '@evident/db';
import { z } from 'zod';
import { hashPassword, randomToken } from '../auth/secrets.ts';
import { audited } from '../services/audit.ts';
import { atLeast, roleProcedure, router, staffProcedure } from '../trpc.ts';
import { email, OK, ok, password, staffUserOut, toStaffUserOut } from './shapes.ts';

const brandingShape = z.object({
  displayName: z.string().trim().min(1).max(200),
  /** An https URL or a data: URL of an image. */
  logoUrl: z
    .string()
    .max(200_000)
    .regex(/^(https:\/\/|data:image\/(png|svg\+xml|jpeg|webp);base64,)/, 'an https:// or data:image URL')
    .nullable(),
  accentColor: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour like #1f6feb'),
});

const INVITATION_DAYS = 7;

export const organizationRouter = router({
  branding: staffProcedure
    .output(brandingShape.nullable())
    .query(({ ctx }) => ctx.deps.store.getBranding(ctx.staff.organizationId)),

  setBranding: roleProcedure('admin')
    .input(brandingShape)
    .output(brandingShape)
    .mutation(async ({ ctx, input }) => {
      const b = await audited(
        ctx,
        (tx) => tx.setBranding(ctx.staff.organizationId, input),
        (b) => ({
          action: 'organization.branding',
          target: null,
          data: { displayName: b.displayName, accentColor: b.accentColor },
        }),
      );
      return b;
    }),

  staff: roleProcedure('admin')
    .output(z.array(staffUserOut))
    .query(async ({ ctx }) => (await ctx.deps.store.listUsers(ctx.staff.organizationId)).map(toStaffUserOut)),

  /** The token is shown once; the invitee signs up with it and enrols a second factor. */
  invite: roleProcedure('admin')
    .input(z.object({ email, role: z.enum(STAFF_ROLES) }))
    .output(z.object({ id: z.string(), token: z.string(), expiresAt: isoDateTime }))
    .mutation(async ({ ctx, input }) => {
      if (input.role === 'owner' && ctx.staff.user.role !== 'owner')
        throw new ForbiddenError('only an owner can invite an owner');
      const token = randomToken();
      const invitation = await audited(
        ctx,
        (tx) =>
          tx.createInvitation(ctx.staff.organizationId, sha256(token), {
            ...input,
            invitedBy: ctx.staff.user.id,
            expiresAt: new Date(ctx.deps.now().getTime() + INVITATION_DAYS * 86_400_000),
          }),
        (i) => ({ action: 'staff.invite', target: i.id, data: { email: i.email, role: i.role } }),
      );
      return { id: invitation.id, token, expiresAt: invitation.expiresAt };
    }),

  invitations: roleProcedure('admin')
    .output(
      z.array(
        z.object({
          id: z.string(),
          email: z.string(),
          role: z.enum(STAFF_ROLES),
          expiresAt: isoDateTime,
          state: z.enum(['pending', 'accepted', 'revoked', 'expired']),
        }),
      ),
    )
    .query(async ({ ctx }) => {
      const now = ctx.deps.now().toISOString();
      return (await ctx.deps.store.listInvitations(ctx.staff.organizationId)).map((i) => ({
        id: i.id,
        email: i.email,
        role: i.role,
        expiresAt: i.expiresAt,
        state: i.acceptedAt ? 'accepted' : i.revokedAt ? 'revoked' : i.expiresAt <= now ? 'expired' : 'pending',
      }));
    }),

  revokeInvitation: roleProcedure('admin')
    .input(z.object({ id: z.string().min(1).max(64) }))
    .output(ok)
    .mutation(async ({ ctx, input }) => {
      await audited(
        ctx,
        (tx) => tx.revokeInvitation(ctx.staff.organizationId, input.id),
        () => ({ action: 'staff.invitation_revoke', target: input.id }),
      );
      return OK;
    }),

  /** Changing a role ends the user's sessions (their credentials version moves on). */
  setRole: roleProcedure('admin')
    .input(z.object({ userId: idSchema('usr'), role: z.enum(STAFF_ROLES) }))
    .output(staffUserOut)
    .mutation(async ({ ctx, input }) => {
      const org = ctx.staff.organizationId;
      const target = await ctx.deps.store.getUser(org, input.userId);
      const touchesOwner = target.role === 'owner' || input.role === 'owner';
      if (touchesOwner && ctx.staff.user.role !== 'owner') throw new ForbiddenError('only an owner can change owners');
      if (target.role === 'owner' && input.role !== 'owner') {
        const owners = (await ctx.deps.store.listUsers(org)).filter((u) => u.role === 'owner' && !u.disabled);
        if (owners.length <= 1) throw new ConflictError('an organization keeps at least one owner');
      }
      const user = await audited(
        ctx,
        (tx) => tx.setUserRole(org, target.id, input.role),
        (u) => ({ action: 'staff.role', target: u.id, data: { from: target.role, to: u.role } }),
      );
      return toStaffUserOut(user);
    }),

  /** Password reset by an owner or admin: no e-mail needed; every session of the user ends. */
  resetPassword: roleProcedure('admin')
    .input(z.object({ userId: idSchema('usr'), password }))
    .output(ok)
    .mutation(async ({ ctx, input }) => {
      const org = ctx.staff.organizationId;
      const target = await ctx.deps.store.getUser(org, input.userId);
      if (!atLeast(ctx.staff.user.role, target.role))
        throw new ForbiddenError(`only an ${target.role} or higher can reset this password`);
      const hash = await hashPassword(input.password);
      await audited(
        ctx,
        async (tx) => {
          await tx.setPasswordHash(org, target.id, hash);
          await tx.revokeUserSessions(org, target.id);
        },
        () => ({ action: 'staff.password_reset', target: target.id }),
      );
      return OK;
    }),

  sessions: staffProcedure
    .input(z.object({ everyone: z.boolean().default(false) }).default({ everyone: false }))
    .output(
      z.array(
        z.object({
          handle: z.string(),
          userId: idSchema('usr'),
          current: z.boolean(),
          address: z.string().nullable(),
          userAgent: z.string().nullable(),
          createdAt: isoDateTime,
          lastSeenAt: isoDateTime,
          expiresAt: isoDateTime,
        }),
      ),
    )
    .query(async ({ ctx, input }) => {
      const { organizationId: org, user, session } = ctx.staff;
      if (input.everyone && !atLeast(user.role, 'admin'))
        throw new ForbiddenError('this needs the admin role or higher');
      const sessions = await ctx.deps.store.listSessions(org, input.everyone ? {} : { userId: user.id });
      return sessions.map((s) => ({
        handle: s.idHash,
        userId: s.userId,
        current: s.idHash === session.idHash,
        address: s.address,
        userAgent: s.userAgent,
        createdAt: s.createdAt,
        lastSeenAt: s.lastSeenAt,
        expiresAt: s.expiresAt,
      }));
    }),

  revokeSession: staffProcedure
    .input(z.object({ handle: z.string().regex(/^[0-9a-f]{64}$/) }))
    .output(ok)
    .mutation(async ({ ctx, input }) => {
      const { organizationId: org, user } = ctx.staff;
      const session = (await ctx.deps.store.listSessions(org, {})).find((s) => s.idHash === input.handle);
      if (session?.userId !== user.id) {
        if (!atLeast(user.role, 'admin')) throw new ForbiddenError('this needs the admin role or higher');
        const holder = session ? await ctx.deps.store.getUser(org, session.userId) : null;
        if (holder && !atLeast(user.role, holder.role))
          throw new ForbiddenError(`only an ${holder.role} or higher can end this session`);
      }
      await audited(
        ctx,
        (tx) => tx.revokeSession(org, input.handle),
        () => ({ action: 'auth.session_revoke', target: null, data: { session: input.handle.slice(0, 12) } }),
      );
      return OK;
    }),

  audit: roleProcedure('admin')
    .input(
      z
        .object({
          afterSeq: z.number().int().min(0).default(0),
          limit: z.number().int().min(1).max(500).default(100),
          action: z.string().max(100).optional(),
        })
        .default({ afterSeq: 0, limit: 100 }),
    )
    .output(
      z.object({
        events: z.array(
          z.object({
            seq: z.number().int(),
            at: isoDateTime,
            actor: z.string(),
            action: z.string(),
            target: z.string().nullable(),
            data: z.record(z.string(), z.unknown()),
          }),
        ),
        nextAfterSeq: z.number().int().nullable(),
      }),
    )
    .query(async ({ ctx, input }) => {
      const events = await ctx.deps.store.listAudit(ctx.staff.organizationId, {
        afterSeq: input.afterSeq,
        limit: input.limit,
      });
      const last = events.at(-1);
      return {
        events: events
          .filter((e) => !input.action || e.action.startsWith(input.action))
          .map(({ seq, at, actor, action, target, data }) => ({ seq, at, actor, action, target, data })),
        nextAfterSeq: events.length === input.limit && last ? last.seq : null,
      };
    }),

  verifyAudit: roleProcedure('admin')
    .output(
      z.object({
        valid: z.boolean(),
        events: z.number().int(),
        brokenAt: z.number().int().nullable(),
        problem: z.string().nullable(),
      }),
    )
    .query(async ({ ctx }) => {
      const v = await ctx.deps.store.verifyAuditChain(ctx.staff.organizationId);
      return v.valid
        ? { valid: true, events: v.events, brokenAt: null, problem: null }
        : { valid: false, events: v.events, brokenAt: v.brokenAt, problem: v.problem };
    }),

  /** Breaks the scheduled verification found in this organization's audit chain, newest first. */
  auditAlerts: roleProcedure('admin')
    .output(
      z.array(z.object({ id: z.string(), raisedAt: isoDateTime, brokenAt: z.number().int(), problem: z.string() })),
    )
    .query(async ({ ctx }) =>
      (await ctx.deps.store.listAuditAlerts(ctx.staff.organizationId)).map(({ id, raisedAt, brokenAt, problem }) => ({
        id,
        raisedAt,
        brokenAt,
        problem,
      })),
    ),
});
