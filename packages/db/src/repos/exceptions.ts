import { type ExceptionId, exception, newId, type OrganizationId, type TenantId } from '@evident/core';
import { and, asc, eq, gt, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { type StoredException, storedException } from '../domain.ts';
import { exceptions } from '../schema/exceptions.ts';
import { found, iso, parseInput, type RepoContext } from './boundary.ts';
import { tenantsRepo } from './tenants.ts';

type Row = typeof exceptions.$inferSelect;

export const rowToException = (row: Row): StoredException =>
  storedException.parse({
    id: row.id,
    organizationId: row.organizationId,
    tenantId: row.tenantId,
    controlId: row.controlId,
    subject: row.subject,
    ...(row.connection === null ? {} : { connection: row.connection }),
    reason: row.reason,
    approver: row.approver,
    ...(row.requestedBy === null ? {} : { requestedBy: row.requestedBy }),
    expiresAt: iso(row.expiresAt),
    createdAt: iso(row.createdAt),
  });

const createInput = exception.omit({ id: true, createdAt: true });
export type CreateExceptionInput = z.input<typeof createInput>;

export function exceptionsRepo(ctx: RepoContext) {
  const { db } = ctx;
  const ofTenant = (org: OrganizationId, tenantId: TenantId) =>
    and(eq(exceptions.organizationId, org), eq(exceptions.tenantId, tenantId));

  return {
    async createException(
      org: OrganizationId,
      tenantId: TenantId,
      input: CreateExceptionInput,
    ): Promise<StoredException> {
      const values = parseInput(createInput, input, 'exception');
      await tenantsRepo(ctx).getTenant(org, tenantId);
      const [row] = await db
        .insert(exceptions)
        .values({
          id: newId('exc'),
          organizationId: org,
          tenantId,
          controlId: values.controlId,
          subject: values.subject,
          connection: values.connection ?? null,
          reason: values.reason,
          approver: values.approver,
          expiresAt: new Date(values.expiresAt),
        })
        .returning();
      return rowToException(row!);
    },

    async listExceptions(org: OrganizationId, tenantId: TenantId): Promise<StoredException[]> {
      const rows = await db.select().from(exceptions).where(ofTenant(org, tenantId)).orderBy(asc(exceptions.expiresAt));
      return rows.map(rowToException);
    },

    /** The exceptions in force at `at`: those that have not expired. */
    async activeExceptions(org: OrganizationId, tenantId: TenantId, at: Date = new Date()): Promise<StoredException[]> {
      const rows = await db
        .select()
        .from(exceptions)
        .where(and(ofTenant(org, tenantId), gt(exceptions.expiresAt, at)))
        .orderBy(asc(exceptions.controlId), asc(exceptions.subject));
      return rows.map(rowToException);
    },

    /** Ends an exception early (the row stays, for the record); an earlier expiry is kept. */
    async expireException(org: OrganizationId, id: ExceptionId, at: Date = new Date()): Promise<StoredException> {
      const [row] = await db
        .update(exceptions)
        .set({ expiresAt: sql`least(${exceptions.expiresAt}, ${at.toISOString()}::timestamptz)` })
        .where(and(eq(exceptions.organizationId, org), eq(exceptions.id, id)))
        .returning();
      return rowToException(found(row, 'exception', id));
    },
  };
}
