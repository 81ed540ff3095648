import { ConflictError, idSchema, type Organization, type OrganizationId, organization } from '@evident/core';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { organizations } from '../schema/organizations.ts';
import { found, iso, parseInput, type RepoContext } from './boundary.ts';

type Row = typeof organizations.$inferSelect;

export const rowToOrganization = (row: Row): Organization =>
  organization.parse({ id: row.id, name: row.name, createdAt: iso(row.createdAt) });

const createInput = z.object({ id: idSchema('org'), name: z.string().trim().min(1).max(200) });

export function organizationsRepo({ db }: RepoContext) {
  return {
    /** The caller picks the id (`newId('org')`), so creating is scoped like everything else. */
    async createOrganization(org: OrganizationId, input: { name: string }): Promise<Organization> {
      const values = parseInput(createInput, { ...input, id: org }, 'organization');
      const [row] = await db.insert(organizations).values(values).onConflictDoNothing().returning();
      if (!row) throw new ConflictError(`organization ${org} already exists`);
      return rowToOrganization(row);
    },

    async getOrganization(org: OrganizationId): Promise<Organization> {
      const [row] = await db.select().from(organizations).where(eq(organizations.id, org));
      return rowToOrganization(found(row, 'organization', org));
    },
  };
}
