import type { OrganizationId } from '@evident/core';
import type { Context } from '../context.ts';

/** Writes one of the caller's changes to the organization's audit log, with the address it came from. */
export function audit(
  ctx: Context & { staff: { organizationId: OrganizationId; user: { id: string } } },
  action: string,
  target: string | null,
  data: Record<string, string | number | boolean | null> = {},
) {
  return ctx.deps.store.appendAudit(ctx.staff.organizationId, {
    actor: ctx.staff.user.id,
    action,
    target,
    data: { ...data, ...(ctx.req.address ? { address: ctx.req.address } : {}) },
  });
}
