import {
  ConflictError,
  type ExceptionRequestId,
  ForbiddenError,
  idSchema,
  isoDateTime,
  newId,
  type OrganizationId,
  type TenantId,
} from '@evident/core';
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { StoredException } from '../domain.ts';
import { exceptionRequests, exceptions } from '../schema/exceptions.ts';
import { found, iso, isoOrNull, parseInput, type RepoContext } from './boundary.ts';
import { rowToException } from './exceptions.ts';
import { tenantsRepo } from './tenants.ts';

export const storedExceptionRequest = z.object({
  id: idSchema('exr'),
  tenantId: idSchema('ten'),
  controlId: z.string().min(1),
  subject: z.string().min(1),
  connection: z.string().min(1).nullable(),
  reason: z.string().min(1),
  expiresAt: isoDateTime,
  requestedById: idSchema('usr'),
  requestedBy: z.string().min(1),
  createdAt: isoDateTime,
  decision: z.enum(['approved', 'declined']).nullable(),
  decidedBy: z.string().nullable(),
  decidedAt: isoDateTime.nullable(),
  exceptionId: idSchema('exc').nullable(),
});
export type StoredExceptionRequest = z.infer<typeof storedExceptionRequest>;

const requestInput = z.object({
  controlId: z.string().min(1),
  subject: z.string().min(1),
  connection: z.string().min(1).optional(),
  reason: z.string().min(1),
  expiresAt: isoDateTime,
  requestedById: idSchema('usr'),
  requestedBy: z.string().min(1),
});
export type ExceptionRequestInput = z.input<typeof requestInput>;

type Row = typeof exceptionRequests.$inferSelect;
const rowToRequest = (row: Row): StoredExceptionRequest =>
  storedExceptionRequest.parse({
    ...row,
    expiresAt: iso(row.expiresAt),
    createdAt: iso(row.createdAt),
    decidedAt: isoOrNull(row.decidedAt),
  });

/** Exceptions under four eyes: one staff member asks, another approves (which writes the exception) or declines. */
export function exceptionRequestsRepo(ctx: RepoContext) {
  const { db } = ctx;
  return {
    async requestException(
      org: OrganizationId,
      tenantId: TenantId,
      input: ExceptionRequestInput,
    ): Promise<StoredExceptionRequest> {
      const values = parseInput(requestInput, input, 'exception request');
      await tenantsRepo(ctx).getTenant(org, tenantId);
      const [row] = await db
        .insert(exceptionRequests)
        .values({
          id: newId('exr'),
          organizationId: org,
          tenantId,
          controlId: values.controlId,
          subject: values.subject,
          connection: values.connection ?? null,
          reason: values.reason,
          expiresAt: new Date(values.expiresAt),
          requestedById: values.requestedById,
          requestedBy: values.requestedBy,
        })
        .returning();
      return rowToRequest(row!);
    },

    /** The tenant's requests, undecided first, then the newest; decided ones stay for the record. */
    async listExceptionRequests(
      org: OrganizationId,
      tenantId: TenantId,
      limit = 100,
    ): Promise<StoredExceptionRequest[]> {
      const rows = await db
        .select()
        .from(exceptionRequests)
        .where(and(eq(exceptionRequests.organizationId, org), eq(exceptionRequests.tenantId, tenantId)))
        .orderBy(sql`${exceptionRequests.decision} IS NULL DESC`, desc(exceptionRequests.createdAt))
        .limit(limit);
      return rows.map(rowToRequest);
    },

    /**
     * Approves (writing the exception, in force at once) or declines an undecided request. The requester can do
     * neither; a request whose expiry has passed can only be declined.
     */
    async decideExceptionRequest(
      org: OrganizationId,
      id: ExceptionRequestId,
      decision: { approve: boolean; by: string; at: Date },
    ): Promise<{ request: StoredExceptionRequest; exception: StoredException | null }> {
      const [pending] = await db
        .select()
        .from(exceptionRequests)
        .where(and(eq(exceptionRequests.organizationId, org), eq(exceptionRequests.id, id)))
        .for('update');
      const request = found(pending, 'exception request', id);
      if (request.decision !== null)
        throw new ConflictError(`this request was already ${request.decision} by ${request.decidedBy}`);
      if (request.requestedBy === decision.by)
        throw new ForbiddenError('an exception needs a second person: someone other than the requester decides it');
      if (decision.approve && request.expiresAt <= decision.at)
        throw new ConflictError('this request asked for an expiry that has already passed: decline it and ask again');
      let exception: StoredException | null = null;
      if (decision.approve) {
        const [row] = await db
          .insert(exceptions)
          .values({
            id: newId('exc'),
            organizationId: org,
            tenantId: request.tenantId,
            controlId: request.controlId,
            subject: request.subject,
            connection: request.connection,
            reason: request.reason,
            approver: decision.by,
            requestedBy: request.requestedBy,
            expiresAt: request.expiresAt,
          })
          .returning();
        exception = rowToException(row!);
      }
      const [row] = await db
        .update(exceptionRequests)
        .set({
          decision: decision.approve ? 'approved' : 'declined',
          decidedBy: decision.by,
          decidedAt: decision.at,
          exceptionId: exception?.id ?? null,
        })
        .where(
          and(
            eq(exceptionRequests.organizationId, org),
            eq(exceptionRequests.id, id),
            isNull(exceptionRequests.decision),
          ),
        )
        .returning();
      return { request: rowToRequest(row!), exception };
    },
  };
}
