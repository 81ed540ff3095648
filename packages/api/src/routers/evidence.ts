import {
  InvalidInputError,
  idSchema,
  isoDateTime,
  NotFoundError,
  type OrganizationId,
  type RunId,
  type TenantId,
} from '@evident/core';
import { EVIDENCE_SORTS, type Store, SUBJECT_KINDS } from '@evident/db';
import { z } from 'zod';
import { router, tenantProcedure } from '../trpc.ts';

export const evidencePageInput = z.object({
  runId: idSchema('run'),
  controlId: z.string().min(1).max(20),
  kind: z.enum(SUBJECT_KINDS).default('failing'),
  sort: z.enum(EVIDENCE_SORTS).default('subject'),
  direction: z.enum(['asc', 'desc']).default('asc'),
  search: z.string().trim().max(200).optional(),
  cursor: z.string().max(2000).optional(),
  limit: z.number().int().min(1).max(500).default(50),
});

export const evidencePageOut = z.object({
  rows: z.array(
    z.object({
      kind: z.enum(SUBJECT_KINDS),
      connection: z.string(),
      subject: z.string(),
      name: z.string().nullable(),
      detail: z.string(),
      approver: z.string().nullable(),
      expiresAt: isoDateTime.nullable(),
    }),
  ),
  nextCursor: z.string().nullable(),
});

const cursorShape = z.object({ key: z.string(), ord: z.number().int() });

/** The cursor is opaque to clients: the last row's sort key and position, base64url JSON. */
function decodeCursor(cursor: string | undefined) {
  if (!cursor) return undefined;
  try {
    return cursorShape.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    throw new InvalidInputError('the cursor is not valid', [{ path: 'cursor', message: 'start from the first page' }]);
  }
}

/** One page of a tenant's result subjects; the run must be the tenant's. Shared with the read-only share view. */
export async function evidencePage(
  store: Store,
  org: OrganizationId,
  tenantId: TenantId,
  input: z.infer<typeof evidencePageInput>,
) {
  const run = await store.getRun(org, input.runId as RunId);
  if (run.tenantId !== tenantId) throw new NotFoundError('assessment run', input.runId);
  const page = await store.evidencePage(org, run.id, input.controlId, {
    kind: input.kind,
    sort: input.sort,
    direction: input.direction,
    search: input.search || undefined,
    after: decodeCursor(input.cursor),
    limit: input.limit,
  });
  return {
    rows: page.rows,
    nextCursor: page.next ? Buffer.from(JSON.stringify(page.next)).toString('base64url') : null,
  };
}

export const evidenceRouter = router({
  page: tenantProcedure()
    .input(evidencePageInput)
    .output(evidencePageOut)
    .query(({ ctx, input }) => evidencePage(ctx.deps.store, ctx.staff.organizationId, ctx.tenant.id, input)),
});
