import type { Tri } from '@evident/core';
import type { CaPolicy, GuestsOrExternal } from './policy.ts';

/** Graph's `conditionalAccessGuestOrExternalUserTypes`: the kinds of guest and external user a policy can name. */
export const GUEST_TYPES = [
  'internalGuest',
  'b2bCollaborationGuest',
  'b2bCollaborationMember',
  'b2bDirectConnectUser',
  'otherExternalUser',
  'serviceProvider',
] as const;
export type GuestType = (typeof GUEST_TYPES)[number];

export interface Principal {
  id: string;
  /** `null` for a member of the tenant; `unknown` for a guest or external user whose kind cannot be told. */
  guestType: GuestType | 'unknown' | null;
  /** Why the kind of guest or external user cannot be told, when `guestType` is `unknown`. */
  guestWhy?: string;
  /** The tenant an external user comes from (an id or a domain), when known. */
  homeTenant?: string;
  /** Why the home tenant cannot be told. */
  homeWhy?: string;
  /** Every group the user belongs to, directly or through nesting (only groups some policy names are needed). */
  groups: ReadonlySet<string>;
  /**
   * Built-in directory roles the user holds actively over the whole directory (`directoryScopeId` `/`), directly or
   * through a role-assignable group: the only holdings a policy's roles reach. A role held at an administrative
   * unit or one object, a custom role, or an eligible (PIM) one is not reached by `includeRoles`.
   */
  roles: ReadonlySet<string>;
  /** Directory-wide roles the user may activate (PIM): once active, `excludeRoles` spares them, so an exclusion counts. */
  activatable?: ReadonlySet<string>;
  /**
   * Roles held actively only at an administrative unit or one object: whether security defaults challenge such a
   * holder on every sign-in, Microsoft does not document.
   */
  activeScoped?: ReadonlySet<string>;
  /** The roles are not known here (a GDAP technician holds them through the partner relationship). */
  rolesUnknown?: boolean;
  mfaRegistered: Tri;
}

export const USER_PROPERTIES = [
  'includeUsers',
  'excludeUsers',
  'includeGroups',
  'excludeGroups',
  'includeRoles',
  'excludeRoles',
  'includeGuestsOrExternalUsers',
  'excludeGuestsOrExternalUsers',
] as const;

export type Reach = 'included' | 'excluded' | 'outside' | 'unknown';

interface Match {
  value: Tri;
  why?: string;
}

const or = (a: Match, b: Match): Match =>
  a.value === true || b.value === true ? { value: true } : a.value === 'unknown' ? a : b;

/** Whether a guests-or-external-users condition names this principal: its type, then its home tenant. */
export function guestMatch(cond: GuestsOrExternal | null | undefined, p: Principal): Match {
  if (!cond || p.guestType === null) return { value: false };
  const types = (cond.guestOrExternalUserTypes ?? '').split(',').map((t) => t.trim());
  if (p.guestType === 'unknown') return { value: 'unknown', why: unknownKind(p) };
  if (!types.includes(p.guestType)) return { value: false };
  const tenants = cond.externalTenants;
  const kind = tenants?.membershipKind ?? (tenants?.['@odata.type']?.endsWith('AllExternalTenants') ? 'all' : null);
  if (!tenants || kind === 'all') return { value: true };
  if (kind === 'enumerated' && p.homeTenant) return listedTenant(tenants.members, p.homeTenant);
  return {
    value: 'unknown',
    why:
      kind === 'enumerated'
        ? `the policy names external tenants (${tenants.members.join(', ')}) and ${p.homeWhy ?? "this account's home tenant is unknown"}`
        : `the policy's external tenants ('${kind ?? 'unstated'}') are not understood`,
  };
}

const unknownKind = (p: Principal) =>
  `the kind of guest or external user this account is could not be told${p.guestWhy ? `: ${p.guestWhy}` : ''}`;

/** A tenant is named by its id, or by a domain: one spelling cannot rule out the other. */
const isDomain = (t: string) => t.includes('.');

function listedTenant(members: readonly string[], home: string): Match {
  const h = home.toLowerCase();
  if (members.some((m) => m.toLowerCase() === h)) return { value: true };
  if (members.every((m) => isDomain(m) === isDomain(h))) return { value: false };
  return {
    value: 'unknown',
    why: `the policy names external tenants (${members.join(', ')}) and this account's home tenant is known only as ${home}`,
  };
}

/** Graph's user value for every guest and external user, the older spelling of all guest types from all tenants. */
export const ALL_GUESTS = 'GuestsOrExternalUsers';

/**
 * The guest population a guests-or-external-users condition names, spelled as a user value would be: every kind
 * from every tenant is `GuestsOrExternalUsers`, so both spellings of one exclusion read the same.
 */
export function guestPopulation(cond: GuestsOrExternal): string {
  const types = [...new Set((cond.guestOrExternalUserTypes ?? '').split(',').map((t) => t.trim()))]
    .filter((t) => t.length > 0 && t !== 'none')
    .sort();
  const tenants = cond.externalTenants;
  const kind = tenants?.membershipKind ?? (tenants?.['@odata.type']?.endsWith('AllExternalTenants') ? 'all' : null);
  const everyTenant = !tenants || kind === 'all';
  if (everyTenant && GUEST_TYPES.every((t) => types.includes(t))) return ALL_GUESTS;
  const from = everyTenant
    ? ''
    : ` from ${kind === 'enumerated' ? tenants.members.join(',') : `'${kind ?? 'unstated'}'`}`;
  return `guests:${types.join(',')}${from}`;
}

/**
 * Whether users, groups or roles listed in a condition name the principal. An exclusion by role also names those
 * who may activate it: they are excluded whenever they use it, so the exclusion is read as holding.
 */
function listed(
  p: Principal,
  users: readonly string[],
  groups: readonly string[],
  roles: readonly string[],
  exclusion = false,
): Match {
  const allGuests = users.includes(ALL_GUESTS);
  const named =
    users.includes(p.id) ||
    (allGuests && p.guestType !== null && p.guestType !== 'unknown') ||
    groups.some((g) => p.groups.has(g)) ||
    roles.some((r) => p.roles.has(r) || (exclusion && p.activatable?.has(r) === true));
  if (!named && allGuests && p.guestType === 'unknown') return { value: 'unknown', why: unknownKind(p) };
  if (named || !p.rolesUnknown || roles.length === 0) return { value: named };
  return { value: 'unknown', why: 'the policy names directory roles and the roles this account holds are unknown' };
}

/** Whether a policy's user conditions reach the principal. Exclusions win over inclusions; doubt is `unknown`. */
export function reach(policy: CaPolicy, p: Principal): { reach: Reach; why?: string } {
  const u = policy.conditions.users;
  if (!u) return { reach: 'outside' };
  const include = or(
    { value: u.includeUsers.includes('All') },
    or(listed(p, u.includeUsers, u.includeGroups, u.includeRoles), guestMatch(u.includeGuestsOrExternalUsers, p)),
  );
  const exclude = or(
    listed(p, u.excludeUsers, u.excludeGroups, u.excludeRoles, true),
    guestMatch(u.excludeGuestsOrExternalUsers, p),
  );
  if (include.value === false || (include.value === 'unknown' && exclude.value === true)) return { reach: 'outside' };
  if (exclude.value === true) return { reach: 'excluded' };
  if (include.value === true && exclude.value === false) return { reach: 'included' };
  return { reach: 'unknown', why: include.value === 'unknown' ? include.why : exclude.why };
}
