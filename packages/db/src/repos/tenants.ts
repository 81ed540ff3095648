import {
  newId,
  type OrganizationId,
  TENANT_KINDS,
  type Tenant,
  type TenantId,
  type TenantKind,
  tenant,
} from '@evident/core';
import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { shares } from '../schema/shares.ts';
import { tenants } from '../schema/tenants.ts';
import { found, iso, parseInput, type RepoContext } from './boundary.ts';

type Row = typeof tenants.$inferSelect;

export const rowToTenant = (row: Row): Tenant =>
  tenant.parse({
    id: row.id,
    organizationId: row.organizationId,
    name: row.name,
    kind: row.kind,
    createdAt: iso(row.createdAt),
  });

const createInput = z.object({ name: z.string().trim().min(1).max(200), kind: z.enum(TENANT_KINDS) });

export const tenantSchedule = z.union([
  z
    .object({
      everyMs: z
        .number()
        .int()
        .min(60_000)
        .max(30 * 24 * 3_600_000),
    })
    .strict(),
  z.object({ cron: z.string().trim().min(9).max(100), tz: z.string().min(1).max(64) }).strict(),
]);
export type TenantSchedule = z.infer<typeof tenantSchedule>;

export function tenantsRepo({ db }: RepoContext) {
  const live = (org: OrganizationId, id: TenantId) =>
    and(eq(tenants.organizationId, org), eq(tenants.id, id), isNull(tenants.deletedAt));

  return {
    async createTenant(org: OrganizationId, input: { name: string; kind: TenantKind }): Promise<Tenant> {
      const values = parseInput(createInput, input, 'tenant');
      const [row] = await db
        .insert(tenants)
        .values({ id: newId('ten'), organizationId: org, ...values })
        .returning();
      return rowToTenant(row!);
    },

    /** Several tenants in one statement (an import's chunk), answered in the order given. */
    async createTenants(org: OrganizationId, inputs: readonly { name: string; kind: TenantKind }[]): Promise<Tenant[]> {
      if (inputs.length === 0) return [];
      const values = inputs.map((input) => ({
        id: newId('ten'),
        organizationId: org,
        ...parseInput(createInput, input, 'tenant'),
      }));
      const rows = new Map((await db.insert(tenants).values(values).returning()).map((r) => [r.id, r]));
      return values.map((v) => rowToTenant(rows.get(v.id)!));
    },

    /** Of these ids, the tenants that exist and are not deleted. */
    async liveTenants(org: OrganizationId, ids: readonly TenantId[]): Promise<Tenant[]> {
      if (ids.length === 0) return [];
      const rows = await db
        .select()
        .from(tenants)
        .where(and(eq(tenants.organizationId, org), inArray(tenants.id, [...ids]), isNull(tenants.deletedAt)));
      return rows.map(rowToTenant);
    },

    async getTenant(org: OrganizationId, id: TenantId): Promise<Tenant> {
      const [row] = await db.select().from(tenants).where(live(org, id));
      return rowToTenant(found(row, 'tenant', id));
    },

    async renameTenant(org: OrganizationId, id: TenantId, name: string): Promise<Tenant> {
      const values = parseInput(createInput.pick({ name: true }), { name }, 'tenant');
      const [row] = await db.update(tenants).set(values).where(live(org, id)).returning();
      return rowToTenant(found(row, 'tenant', id));
    },

    /**
     * Soft delete: the tenant leaves every list and lookup; its runs and results stay. Its live shares are revoked
     * in the same transaction, so no link keeps serving a tenant its organization can no longer see.
     */
    async deleteTenant(org: OrganizationId, id: TenantId): Promise<{ sharesRevoked: number }> {
      const now = new Date();
      const [row] = await db.update(tenants).set({ deletedAt: now }).where(live(org, id)).returning();
      found(row, 'tenant', id);
      const revoked = await db
        .update(shares)
        .set({ revokedAt: now })
        .where(and(eq(shares.organizationId, org), eq(shares.tenantId, id), isNull(shares.revokedAt)))
        .returning({ id: shares.id });
      return { sharesRevoked: revoked.length };
    },

    /** The tenant's assessment schedule; null is the default interval. */
    async getTenantSchedule(org: OrganizationId, id: TenantId): Promise<TenantSchedule | null> {
      const [row] = await db.select({ schedule: tenants.schedule }).from(tenants).where(live(org, id));
      return found(row, 'tenant', id).schedule;
    },

    /** Every live tenant's assessment schedule (null: the default interval), for the worker to apply. */
    async listTenantSchedules(org: OrganizationId): Promise<{ tenantId: TenantId; schedule: TenantSchedule | null }[]> {
      const rows = await db
        .select({ tenantId: tenants.id, schedule: tenants.schedule })
        .from(tenants)
        .where(and(eq(tenants.organizationId, org), isNull(tenants.deletedAt)));
      return rows.map((r) => ({
        tenantId: r.tenantId,
        schedule: r.schedule === null ? null : tenantSchedule.parse(r.schedule),
      }));
    },

    async setTenantSchedule(org: OrganizationId, id: TenantId, schedule: TenantSchedule | null): Promise<void> {
      const value = schedule === null ? null : parseInput(tenantSchedule, schedule, 'schedule');
      const [row] = await db.update(tenants).set({ schedule: value }).where(live(org, id)).returning();
      found(row, 'tenant', id);
    },

    async listTenants(org: OrganizationId): Promise<Tenant[]> {
      const rows = await db
        .select()
        .from(tenants)
        .where(and(eq(tenants.organizationId, org), isNull(tenants.deletedAt)))
        .orderBy(asc(tenants.name));
      return rows.map(rowToTenant);
    },
  };
}
