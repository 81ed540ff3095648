import { idSchema, isoDateTime, NotFoundError } from '@evident/core';
import { SHARE_SECTIONS, sha256 } from '@evident/db';
import { z } from 'zod';
import { randomToken } from '../auth/secrets.ts';
import { audited } from '../services/audit.ts';
import { router, tenantProcedure } from '../trpc.ts';

const shareOut = z.object({
  id: idSchema('shr'),
  label: z.string(),
  sections: z.array(z.enum(SHARE_SECTIONS)),
  createdAt: isoDateTime,
  expiresAt: isoDateTime,
  revokedAt: isoDateTime.nullable(),
  state: z.enum(['active', 'expired', 'revoked']),
});

const MAX_DAYS = 366;

export const sharesRouter = router({
  /** The token is returned once, here; only its hash is kept. */
  create: tenantProcedure('admin')
    .input(
      z.object({
        label: z.string().trim().min(1).max(200),
        sections: z.array(z.enum(SHARE_SECTIONS)).min(1),
        expiresInDays: z.number().int().min(1).max(MAX_DAYS),
      }),
    )
    .output(z.object({ id: idSchema('shr'), token: z.string(), expiresAt: isoDateTime }))
    .mutation(async ({ ctx, input }) => {
      const token = randomToken();
      const share = await audited(
        ctx,
        (tx) =>
          tx.createShare(ctx.staff.organizationId, sha256(token), {
            tenantId: ctx.tenant.id,
            label: input.label,
            sections: [...new Set(input.sections)],
            createdBy: ctx.staff.user.id,
            expiresAt: new Date(ctx.deps.now().getTime() + input.expiresInDays * 86_400_000),
          }),
        (s) => ({
          action: 'share.create',
          target: s.id,
          data: { tenant: ctx.tenant.id, sections: s.sections.join(',') },
        }),
      );
      return { id: share.id, token, expiresAt: share.expiresAt };
    }),

  list: tenantProcedure()
    .output(z.array(shareOut))
    .query(async ({ ctx }) => {
      const now = ctx.deps.now().toISOString();
      return (await ctx.deps.store.listShares(ctx.staff.organizationId, ctx.tenant.id)).map((s) => ({
        id: s.id,
        label: s.label,
        sections: s.sections,
        createdAt: s.createdAt,
        expiresAt: s.expiresAt,
        revokedAt: s.revokedAt,
        state: s.revokedAt ? ('revoked' as const) : s.expiresAt <= now ? ('expired' as const) : ('active' as const),
      }));
    }),

  revoke: tenantProcedure('admin')
    .input(z.object({ shareId: idSchema('shr') }))
    .output(z.object({ revokedAt: isoDateTime }))
    .mutation(async ({ ctx, input }) => {
      const org = ctx.staff.organizationId;
      const share = await ctx.deps.store.getShare(org, input.shareId);
      if (share.tenantId !== ctx.tenant.id) throw new NotFoundError('share', input.shareId);
      const revoked = await audited(
        ctx,
        (tx) => tx.revokeShare(org, share.id),
        () => ({ action: 'share.revoke', target: share.id }),
      );
      return { revokedAt: revoked.revokedAt ?? ctx.deps.now().toISOString() };
    }),

  /** One page of a share's access log, newest first; `nextCursor` opens the page of older accesses. */
  accesses: tenantProcedure()
    .input(
      z.object({
        shareId: idSchema('shr'),
        limit: z.number().int().min(1).max(500).default(100),
        cursor: z
          .string()
          .regex(/^[1-9]\d{0,14}$/, 'start from the first page')
          .optional(),
      }),
    )
    .output(
      z.object({
        accesses: z.array(
          z.object({
            at: isoDateTime,
            address: z.string().nullable(),
            userAgent: z.string().nullable(),
            what: z.string(),
          }),
        ),
        nextCursor: z.string().nullable(),
      }),
    )
    .query(async ({ ctx, input }) => {
      const org = ctx.staff.organizationId;
      const share = await ctx.deps.store.getShare(org, input.shareId);
      if (share.tenantId !== ctx.tenant.id) throw new NotFoundError('share', input.shareId);
      const page = await ctx.deps.store.listShareAccesses(org, share.id, {
        limit: input.limit,
        ...(input.cursor ? { before: Number(input.cursor) } : {}),
      });
      return {
        accesses: page.accesses.map(({ at, address, userAgent, what }) => ({ at, address, userAgent, what })),
        nextCursor: page.next === null ? null : String(page.next),
      };
    }),
});
