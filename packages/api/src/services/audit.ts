import type { OrganizationId } from '@evident/core';
import type { Store } from '@evident/db';
import type { Context } from '../context.ts';

export type AuditData = Record<string, string | number | boolean | null>;

export interface AuditEntry {
  action: string;
  target: string | null;
  data?: AuditData;
}

/** Who an entry is written for: the organization, the actor (a user id, `share:…`, `system`) and the address. */
export interface AuditActor {
  organizationId: OrganizationId;
  actor: string;
  address: string | null;
}

type StaffContext = Context & { staff: { organizationId: OrganizationId; user: { id: string } } };

export const staffActor = (ctx: StaffContext): AuditActor => ({
  organizationId: ctx.staff.organizationId,
  actor: ctx.staff.user.id,
  address: ctx.req.address,
});

/** Writes an entry inside a transaction the caller holds (`tx` comes from `store.transaction`). */
export function writeAudit(tx: Store, who: AuditActor, entry: AuditEntry) {
  return tx.appendAudit(who.organizationId, {
    actor: who.actor,
    action: entry.action,
    target: entry.target,
    data: { ...entry.data, ...(who.address ? { address: who.address } : {}) },
  });
}

/**
 * Makes a change and writes its audit entry in one transaction: neither is kept without the other. A change outside
 * the database (a queued job, a schedule) runs inside it too, so when it fails the entry is rolled back.
 */
export function auditedAs<T>(
  store: Store,
  who: AuditActor,
  change: (tx: Store) => Promise<T>,
  entry: (result: T) => AuditEntry | AuditEntry[],
): Promise<T> {
  return store.transaction(async (tx) => {
    const result = await change(tx);
    for (const e of [entry(result)].flat()) await writeAudit(tx, who, e);
    return result;
  });
}

/** A staff member's change and its audit entry, with the address it came from, in one transaction. */
export function audited<T>(
  ctx: StaffContext,
  change: (tx: Store) => Promise<T>,
  entry: (result: T) => AuditEntry | AuditEntry[],
): Promise<T> {
  return auditedAs(ctx.deps.store, staffActor(ctx), change, entry);
}
