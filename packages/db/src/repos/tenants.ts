import {
  newId,
  type OrganizationId,
  TENANT_KINDS,
  type Tenant,
  type TenantId,
  type TenantKind,
  tenant,
} from '@evident/core';
import { and, asc, eq } from 'drizzle-orm';
import { z } from 'zod';
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

export function tenantsRepo({ db }: RepoContext) {
  return {
    async createTenant(org: OrganizationId, input: { name: string; kind: TenantKind }): Promise<Tenant> {
      const values = parseInput(createInput, input, 'tenant');
      const [row] = await db
        .insert(tenants)
        .values({ id: newId('ten'), organizationId: org, ...values })
        .returning();
      return rowToTenant(row!);
    },

    async getTenant(org: OrganizationId, id: TenantId): Promise<Tenant> {
      const [row] = await db
        .select()
        .from(tenants)
        .where(and(eq(tenants.organizationId, org), eq(tenants.id, id)));
      return rowToTenant(found(row, 'tenant', id));
    },

    async listTenants(org: OrganizationId): Promise<Tenant[]> {
      const rows = await db.select().from(tenants).where(eq(tenants.organizationId, org)).orderBy(asc(tenants.name));
      return rows.map(rowToTenant);
    },
  };
}
