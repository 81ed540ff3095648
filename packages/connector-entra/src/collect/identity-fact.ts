import type { IdentityFact, Tri } from '@evident/core';
import type { GuestType, Principal } from '../enforcement/reach.ts';
import { type Enforcement, type PerUserMfa, resolveEnforcement, type TenantPolicy } from '../enforcement/resolve.ts';
import { isPhishingResistantMethod, PRIVILEGED_ROLES, roleName } from '../roles.ts';
import type { Kind } from './external.ts';
import { activationOf } from './pim-gate.ts';
import type { Run, TenantState } from './state.ts';

const EMPTY = new Set<string>();

export interface Person extends Kind {
  id: string;
  upn: string;
  /** `null` for a member of the tenant. */
  guestType: GuestType | 'unknown' | null;
  /** From the registration report; `undefined` where the report could not be read. */
  isAdmin?: boolean;
  mfaRegistered: Tri;
  methods: string[];
}

/** The home domain of a UPN; for a B2B guest (`alice_msp.example#EXT#@tenant…`) the domain it was invited from. */
export function homeDomain(upn: string): string {
  const ext = upn.indexOf('#EXT#');
  if (ext > 0) {
    const local = upn.slice(0, ext);
    return local.slice(local.lastIndexOf('_') + 1).toLowerCase();
  }
  return upn.slice(upn.lastIndexOf('@') + 1).toLowerCase();
}

/** The policies, once whom they reach can be told: the groups and roles they name were read. */
function decidable(state: TenantState): TenantState['policies'] {
  const { policies } = state;
  const names = (key: 'Groups' | 'Roles') =>
    policies?.some((p) => {
      const u = p.conditions.users;
      return (u?.[`include${key}`].length ?? 0) + (u?.[`exclude${key}`].length ?? 0) > 0;
    });
  if ((names('Groups') && !state.groupsRead) || (names('Roles') && !state.rolesOf)) return undefined;
  return policies;
}

/** What judging an identity needs of the tenant and the config, worked out once for a page of users. */
export interface Judging {
  tenant: TenantPolicy;
  /** The break-glass accounts as configured, and their names in lower case. */
  breakGlass: { exact: Set<string>; lower: Set<string> };
  mspDomains: string[] | undefined;
}

export function judging(run: Pick<Run, 'ctx' | 'state'>): Judging {
  const { config } = run.ctx;
  const { state } = run;
  return {
    tenant: {
      securityDefaults: state.securityDefaults,
      policies: decidable(state),
      mfaCustomControls: new Set(config.mfaCustomControls),
    },
    breakGlass: { exact: new Set(config.breakGlass), lower: new Set(config.breakGlass.map((b) => b.toLowerCase())) },
    mspDomains: config.mspDomains?.map((d) => d.toLowerCase()),
  };
}

/** The roles a person holds, active and eligible. */
function rolesOf(person: Person, state: TenantState) {
  const active = state.rolesOf?.get(person.id) ?? EMPTY;
  const eligibleRoles = state.eligibleOf.get(person.id) ?? EMPTY;
  return { active, roles: eligibleRoles.size === 0 ? active : new Set([...active, ...eligibleRoles]) };
}

/** A policy's roles name built-in roles only: a custom role's holder is not reached by them. */
function builtIn(roles: Set<string> | undefined, state: TenantState): ReadonlySet<string> {
  const defs = state.definitions;
  if (!roles) return EMPTY;
  return defs ? new Set([...roles].filter((r) => defs.builtIn.has(r))) : roles;
}

/** Roles held actively, but only at an administrative unit or one object. */
function scopedOnly(person: Person, state: TenantState): ReadonlySet<string> {
  const active = state.rolesOf?.get(person.id);
  if (!active) return EMPTY;
  const wide = state.wideRolesOf.get(person.id) ?? EMPTY;
  return new Set([...active].filter((r) => !wide.has(r)));
}

/** The person as the policies see them: only directory-wide active roles reach a policy's roles. */
export function principalOf(person: Person, state: TenantState): Principal {
  return {
    id: person.id,
    guestType: person.guestType,
    ...(person.guestWhy ? { guestWhy: person.guestWhy } : {}),
    ...(person.homeTenant ? { homeTenant: person.homeTenant } : {}),
    ...(person.homeWhy ? { homeWhy: person.homeWhy } : {}),
    groups: state.groupsOf.get(person.id) ?? EMPTY,
    roles: builtIn(state.wideRolesOf.get(person.id), state),
    activatable: state.wideEligibleOf.get(person.id) ?? EMPTY,
    activeScoped: scopedOnly(person, state),
    mfaRegistered: person.mfaRegistered,
  };
}

export function enforcementOf(person: Person, state: TenantState, judging: Judging, perUser?: PerUserMfa): Enforcement {
  return resolveEnforcement(principalOf(person, state), judging.tenant, perUser);
}

export const isBreakGlass = (person: Person, judging: Judging) =>
  judging.breakGlass.lower.has(person.upn.toLowerCase()) || judging.breakGlass.exact.has(person.id);

/** An enforcement as the identity fact states it. */
function enforced(e: Enforcement) {
  return {
    mfaEnforced: e.mfaEnforced,
    enforcementSource: e.source,
    enforcementReason: e.reason,
    enforcementDetail: e.detail,
    phishingResistantEnforced: e.phishingResistantEnforced,
  };
}

/**
 * Privileged from the roles held, as the tenant marks them. Where its definitions could not be read, the documented
 * list stands in: an account the registration report calls an administrator that holds none of those roles may hold
 * a custom or newer privileged one, so it is unknown.
 */
function privilegeOf(person: Person, privilegedRoles: string[], state: TenantState): Tri {
  if (!state.rolesOf) return person.isAdmin ?? 'unknown';
  if (privilegedRoles.length > 0) return true;
  return !state.definitions && person.isAdmin === true ? 'unknown' : false;
}

export function toIdentity(
  person: Person,
  run: Pick<Run, 'state' | 'stamp'>,
  judging: Judging,
  source: string,
  perUser?: PerUserMfa,
  enforcement = enforcementOf(person, run.state, judging, perUser),
): IdentityFact {
  const { state } = run;
  const { active, roles } = rolesOf(person, state);
  const { definitions } = state;
  const privilegedRoles = [...roles].filter((r) =>
    definitions ? definitions.privileged.has(r) : r in PRIVILEGED_ROLES,
  );
  const privileged = privilegeOf(person, privilegedRoles, state);
  const roleLabel = (r: string) => definitions?.names.get(r) ?? roleName(r);
  // A kind that cannot be told is a guest's unless Graph calls the account a member.
  const guest =
    person.guestType === 'unknown' ? person.userType?.toLowerCase() !== 'member' : person.guestType !== null;
  const breakGlass = isBreakGlass(person, judging);
  const { mspDomains } = judging;
  return {
    type: 'identity',
    ...run.stamp,
    source,
    subject: person.id,
    name: person.upn,
    kind: breakGlass ? 'break_glass' : guest ? 'guest' : 'human',
    enabled: true,
    external: guest,
    ...(guest ? { guestType: person.guestType ?? 'unknown' } : {}),
    mspPrincipal: mspDomains ? mspDomains.includes(person.homeTenant ?? homeDomain(person.upn)) : 'unknown',
    privileged,
    roles: privilegedRoles.map(roleLabel).sort(),
    eligible: privilegedRoles.some((r) => !active.has(r)),
    ...activationOf(person, privilegedRoles, active, state, judging),
    mfaRegistered: person.mfaRegistered,
    methods: person.methods,
    phishingResistantRegistered:
      person.mfaRegistered === 'unknown' ? 'unknown' : person.methods.some(isPhishingResistantMethod),
    ...enforced(enforcement),
    lastSignIn: 'unknown',
  };
}

export const SERVICE_PROVIDER_SUBJECT = 'service-provider-users';

/**
 * The MSP's technicians reaching the tenant through GDAP: no account exists here, so one identity stands for them,
 * judged by the policies that reach service-provider users. Their roles come from the partner relationship.
 */
export function serviceProviderIdentity(run: Pick<Run, 'ctx' | 'state' | 'stamp'>): IdentityFact {
  const principal = {
    id: SERVICE_PROVIDER_SUBJECT,
    guestType: 'serviceProvider' as const,
    groups: EMPTY,
    roles: EMPTY,
    rolesUnknown: true,
    mfaRegistered: 'unknown' as const,
  };
  const enforcement = resolveEnforcement(principal, judging(run).tenant);
  return {
    type: 'identity',
    ...run.stamp,
    source: 'GET /identity/conditionalAccess/policies (service-provider users)',
    subject: SERVICE_PROVIDER_SUBJECT,
    name: 'MSP technicians through GDAP (service-provider users)',
    kind: 'guest',
    enabled: true,
    external: true,
    guestType: 'serviceProvider',
    mspPrincipal: true,
    privileged: true,
    roles: [],
    eligible: false,
    mfaRegistered: 'unknown',
    methods: [],
    phishingResistantRegistered: 'unknown',
    ...enforced(enforcement),
    lastSignIn: 'unknown',
  };
}
