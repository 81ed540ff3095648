import type { ConnectorContext } from '@evident/connector-kit';
import type { Tri } from '@evident/core';
import type { EntraClients, Graph } from '../client.ts';
import type { EntraConfig, EntraSecret } from '../config.ts';
import type { CaPolicy } from '../enforcement/policy.ts';
import type { DirectConnect } from './cross-tenant.ts';

/** PIM's end-user activation rules for one directory role. */
export interface Activation {
  /** The enablement rule demands `MultiFactorAuthentication`. */
  mfa: boolean;
  /** The authentication context (`c1`…) activation must satisfy, when that rule is enabled. */
  context?: string;
}

/** The tenant's directory roles, by id (a built-in role's template id). */
export interface RoleDefinitions {
  /** Roles the tenant marks privileged (`isPrivileged`), built-in and custom, with their names. */
  privileged: Map<string, string>;
  /** Built-in roles: the only ones a policy's roles can reach. */
  builtIn: Set<string>;
  names: Map<string, string>;
}

export type Licence = 'free' | 'p1' | 'p2' | 'unknown';

/** What earlier sections learned that later ones need, kept small: no per-user data but group and role members. */
export interface TenantState {
  licence: Licence;
  /** The directory's object id (a GUID), when `/organization` could be read; the config may name a domain. */
  directoryId: string | undefined;
  securityDefaults: boolean | 'unknown';
  /** `undefined` when they could not be read; empty when the tenant has none (or cannot have any without P1). */
  policies: CaPolicy[] | undefined;
  /** user id → ids of the policy-named groups they belong to, transitively. */
  groupsOf: Map<string, Set<string>>;
  /** Whether every policy-named group was read; until then `groupsOf` may be missing members. */
  groupsRead: boolean;
  /** The tenant's role definitions; `undefined` when unread, and the documented list in roles.ts stands in. */
  definitions: RoleDefinitions | undefined;
  /** user id → role template ids held, directly or through a group. `undefined` when roles could not be read. */
  rolesOf: Map<string, Set<string>> | undefined;
  /** user id → the built-in roles of `rolesOf` held over the whole directory (`/`): what policies' roles reach. */
  wideRolesOf: Map<string, Set<string>>;
  /** user id → role template ids they are only eligible for (PIM); empty when eligibility could not be read. */
  eligibleOf: Map<string, Set<string>>;
  /** user id → the roles of `eligibleOf` they may activate over the whole directory: role exclusions then apply. */
  wideEligibleOf: Map<string, Set<string>>;
  /** role id → what PIM demands to activate it; `undefined` until (or unless) its policies were read. */
  activation: Map<string, Activation> | undefined;
  /** Whether PIM's role eligibility could be read. */
  pimRead: boolean;
  /** B2B direct-connect populations the cross-tenant access settings let in (or may); `undefined` when unread. */
  directConnect: (DirectConnect & { admitted: Tri })[] | undefined;
  /** role-assignable group id → role template ids it holds, active or eligible. */
  roleGroups: Map<string, Set<string>>;
}

export interface Run {
  ctx: ConnectorContext<EntraConfig, EntraSecret>;
  clients: EntraClients;
  graph: Graph;
  state: TenantState;
  stamp: { connection: string; provider: 'entra'; observedAt: string };
}
