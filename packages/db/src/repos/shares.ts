import { newId, type OrganizationId, type TenantId, type UserId } from '@evident/core';
import { and, desc, eq, gt, isNull, lt, sql } from 'drizzle-orm';
import { z } from 'zod';
import {
  type Branding,
  branding as brandingShape,
  type Share,
  type ShareAccess,
  share,
  shareAccess,
} from '../domain.ts';
import { branding, SHARE_SECTIONS, shareAccesses, shares } from '../schema/shares.ts';
import { tenants } from '../schema/tenants.ts';
import { found, iso, isoOrNull, organizationOf, parseInput, type RepoContext } from './boundary.ts';
import { tenantsRepo } from './tenants.ts';

type Row = typeof shares.$inferSelect;
const rowToShare = (row: Row): Share =>
  share.parse({
    ...row,
    createdAt: iso(row.createdAt),
    expiresAt: iso(row.expiresAt),
    revokedAt: isoOrNull(row.revokedAt),
  });

const accessPage = z.object({
  limit: z.number().int().min(1).max(1000).default(100),
  before: z.number().int().positive().optional(),
});

const createInput = z.object({
  tenantId: z.string().min(1),
  label: z.string().trim().min(1).max(200),
  sections: z.array(z.enum(SHARE_SECTIONS)).min(1),
  createdBy: z.string().min(1),
  expiresAt: z.date(),
});

const brandingInput = z.object({
  displayName: z.string().trim().min(1).max(200),
  logoUrl: z.string().max(200_000).nullable(),
  accentColor: z.string().regex(/^#[0-9a-f]{6}$/i),
});

export function sharesRepo(ctx: RepoContext) {
  const { db, inOrg } = ctx;
  const byId = (org: OrganizationId, id: string) => and(eq(shares.organizationId, org), eq(shares.id, id));

  return {
    async createShare(org: OrganizationId, tokenHash: string, input: z.input<typeof createInput>): Promise<Share> {
      const v = parseInput(createInput, input, 'share');
      const tenant = await tenantsRepo(ctx).getTenant(org, v.tenantId as TenantId);
      const [row] = await db
        .insert(shares)
        .values({
          ...v,
          id: newId('shr'),
          organizationId: org,
          tenantId: tenant.id,
          createdBy: v.createdBy as UserId,
          tokenHash,
          createdAt: new Date(),
        })
        .returning();
      return rowToShare(row!);
    },

    async listShares(org: OrganizationId, tenantId: TenantId): Promise<Share[]> {
      const rows = await db
        .select()
        .from(shares)
        .where(and(eq(shares.organizationId, org), eq(shares.tenantId, tenantId)))
        .orderBy(desc(shares.createdAt));
      return rows.map(rowToShare);
    },

    async getShare(org: OrganizationId, id: string): Promise<Share> {
      const [row] = await db.select().from(shares).where(byId(org, id));
      return rowToShare(found(row, 'share', id));
    },

    async revokeShare(org: OrganizationId, id: string): Promise<Share> {
      const [row] = await db.update(shares).set({ revokedAt: new Date() }).where(byId(org, id)).returning();
      return rowToShare(found(row, 'share', id));
    },

    /**
     * A live share by the hash of its token (a global lookup: the token is the credential): not revoked, not
     * expired, and of a tenant that is not deleted (shares of a tenant deleted before its deletion revoked them).
     */
    async findShareByToken(tokenHash: string): Promise<Share | null> {
      const org = await organizationOf(db, sql`evident_share_organization(${tokenHash})`);
      if (!org) return null;
      const [row] = await inOrg(org, (tx) =>
        tx
          .select({ share: shares })
          .from(shares)
          .innerJoin(
            tenants,
            and(
              eq(tenants.organizationId, shares.organizationId),
              eq(tenants.id, shares.tenantId),
              isNull(tenants.deletedAt),
            ),
          )
          .where(and(eq(shares.tokenHash, tokenHash), isNull(shares.revokedAt), gt(shares.expiresAt, new Date()))),
      );
      return row ? rowToShare(row.share) : null;
    },

    async recordShareAccess(
      org: OrganizationId,
      shareId: string,
      input: { address: string | null; userAgent: string | null; what: string },
    ): Promise<void> {
      const [owner] = await db.select({ id: shares.id }).from(shares).where(byId(org, shareId));
      found(owner, 'share', shareId);
      await db.insert(shareAccesses).values({ organizationId: org, shareId, at: new Date(), ...input });
    },

    /**
     * The share's accesses, newest first, a page at a time: `before` is the `next` of the page before, and `next`
     * is null on the last page.
     */
    async listShareAccesses(
      org: OrganizationId,
      shareId: string,
      options: { limit?: number; before?: number } = {},
    ): Promise<{ accesses: ShareAccess[]; next: number | null }> {
      const { limit, before } = parseInput(accessPage, options, 'access log page');
      const rows = await db
        .select()
        .from(shareAccesses)
        .where(
          and(
            eq(shareAccesses.organizationId, org),
            eq(shareAccesses.shareId, shareId),
            before === undefined ? undefined : lt(shareAccesses.seq, before),
          ),
        )
        .orderBy(desc(shareAccesses.seq))
        .limit(limit + 1);
      const page = rows.slice(0, limit);
      return {
        accesses: page.map((r) => shareAccess.parse({ ...r, at: iso(r.at) })),
        next: rows.length > limit ? page.at(-1)!.seq : null,
      };
    },

    /** The organization's branding, or null before it set any. */
    async getBranding(org: OrganizationId): Promise<Branding | null> {
      const [row] = await db.select().from(branding).where(eq(branding.organizationId, org));
      return row ? brandingShape.parse(row) : null;
    },

    async setBranding(org: OrganizationId, input: Branding): Promise<Branding> {
      const v = parseInput(brandingInput, input, 'branding');
      const values = { ...v, organizationId: org, updatedAt: new Date() };
      const [row] = await db
        .insert(branding)
        .values(values)
        .onConflictDoUpdate({ target: branding.organizationId, set: values })
        .returning();
      return brandingShape.parse(row);
    },
  };
}
