import { guid } from '../../rng.ts';
import type { EntraWorld, GdapRelationship } from '../../scenario/schema.ts';
import { roleDefinitionIdOf } from './roles.ts';

const DAY_MS = 86_400_000;
/** The longest GDAP relationship Partner Center allows: two years. */
const DURATION_DAYS = 730;

/** A customer tenant as the partner's GDAP records name it. */
export interface GdapCustomer {
  tenantId: string;
  displayName: string;
}

/** `delegatedAdminRelationship` as Graph v1.0 returns it. */
export interface DelegatedAdminRelationship {
  '@odata.type': '#microsoft.graph.delegatedAdminRelationship';
  id: string;
  displayName: string;
  duration: string;
  customer: GdapCustomer;
  accessDetails: { unifiedRoles: { roleDefinitionId: string }[] };
  status: GdapRelationship['status'];
  autoExtendDuration: string;
  createdDateTime: string;
  activatedDateTime: string | null;
  lastModifiedDateTime: string;
  endDateTime: string | null;
}

/** A simulated tenant's organization name, as `/organization` gives it. */
export function organizationName(world: EntraWorld): string {
  return world.domain.split('.')[0]!.replace(/^./, (c) => c.toUpperCase());
}

/**
 * The partner tenant's GDAP relationships. `resolve` finds a simulated customer by name or tenant id; a customer the
 * scenario does not simulate keeps the id it is given.
 */
export function gdapRelationships(
  partner: EntraWorld,
  resolve: (customer: string) => EntraWorld | undefined,
  seed: number,
  now: Date,
): DelegatedAdminRelationship[] {
  return (partner.partner?.relationships ?? []).map((r, i) => {
    const world = resolve(r.customer);
    const customer = {
      tenantId: world?.tenantId ?? r.customer,
      displayName: r.displayName ?? (world ? organizationName(world) : r.customer),
    };
    const end = new Date(now.getTime() + r.endsInDays * DAY_MS);
    const activated = new Date(end.getTime() - DURATION_DAYS * DAY_MS);
    const created = new Date(activated.getTime() - DAY_MS);
    const pending = r.status === 'created' || r.status === 'approvalPending';
    return {
      '@odata.type': '#microsoft.graph.delegatedAdminRelationship',
      id: `${guid(seed, 'gdap', partner.tenantId, i)}-${customer.tenantId}`,
      displayName: r.name ?? `${customer.displayName} managed services`,
      duration: `P${DURATION_DAYS}D`,
      customer,
      accessDetails: { unifiedRoles: r.roles.map((role) => ({ roleDefinitionId: roleDefinitionIdOf(role) })) },
      status: r.status,
      autoExtendDuration: r.autoExtend ? 'P180D' : 'PT0S',
      createdDateTime: created.toISOString(),
      activatedDateTime: pending ? null : activated.toISOString(),
      lastModifiedDateTime: (pending ? created : activated).toISOString(),
      endDateTime: pending ? null : end.toISOString(),
    };
  });
}

/** The customers Partner Center lists: one per tenant with a relationship that was approved, in first-seen order. */
export function gdapCustomers(relationships: readonly DelegatedAdminRelationship[]): GdapCustomer[] {
  const seen = new Map<string, GdapCustomer>();
  for (const r of relationships)
    if (r.activatedDateTime !== null && !seen.has(r.customer.tenantId)) seen.set(r.customer.tenantId, r.customer);
  return [...seen.values()];
}
