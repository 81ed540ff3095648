import { type CollectionSession, ConnectorError } from '@evident/connector-kit';
import type { AuthPolicyFact, Fact } from '@evident/core';
import type { EntraConfig, EntraSecret } from '../config.ts';
import { narrowing } from '../enforcement/conditions.ts';
import { grantOf, isPhishingResistantStrength, strengthShortfall } from '../enforcement/grant.ts';
import { type CaPolicy, caPolicy } from '../enforcement/policy.ts';
import { guestPopulation } from '../enforcement/reach.ts';
import { pages } from '../graph-pages.ts';
import type { Run, TenantState } from './state.ts';

type Session = CollectionSession<EntraConfig, EntraSecret>;

export const POLICIES_SOURCE = 'GET /identity/conditionalAccess/policies';

function grant(policy: CaPolicy, custom: ReadonlySet<string>): AuthPolicyFact['grant'] {
  const g = policy.grantControls;
  if (!g) return 'none';
  if (g.builtInControls.includes('block')) return 'block';
  const s = g.authenticationStrength;
  // A strength that allows a single factor is no MFA grant, whatever it is called.
  if (s && strengthShortfall(s) === undefined) {
    return isPhishingResistantStrength(s) ? 'auth_strength_phishing_resistant' : 'auth_strength';
  }
  if (g.builtInControls.includes('mfa')) return 'mfa';
  if (grantOf(policy, custom).mfa) return 'mfa';
  const any = g.builtInControls.length + g.termsOfUse.length + g.customAuthenticationFactors.length > 0 || s != null;
  return any ? 'other' : 'none';
}

const STATE = { enabled: 'on', enabledForReportingButNotEnforced: 'report_only' } as Record<
  string,
  'on' | 'report_only'
>;

/**
 * The users a policy excludes, by object id: excluded groups and roles are expanded through the memberships read
 * for the policies, so exclusions can be compared with the declared break-glass accounts. What could not be
 * expanded stays named as `group:<id>` or `role:<id>`.
 */
export function excludedPrincipals(
  policy: CaPolicy,
  state: Pick<TenantState, 'groupsOf' | 'rolesOf' | 'wideRolesOf' | 'wideEligibleOf'>,
): string[] {
  const users = policy.conditions.users;
  if (!users) return [];
  const out = new Set(users.excludeUsers);
  // Guests excluded by type or by the user value are one population, named alike.
  if (users.excludeGuestsOrExternalUsers) out.add(guestPopulation(users.excludeGuestsOrExternalUsers));
  const groups = new Set(users.excludeGroups);
  const roles = new Set(users.excludeRoles);
  const expandedGroups = new Set<string>();
  for (const [user, memberOf] of state.groupsOf) {
    for (const g of memberOf) {
      if (!groups.has(g)) continue;
      out.add(user);
      expandedGroups.add(g);
    }
  }
  for (const g of groups) if (!expandedGroups.has(g)) out.add(`group:${g}`);
  // A role exclusion spares who holds the role over the whole directory, and who may activate it there.
  if (state.rolesOf) {
    for (const holders of [state.wideRolesOf, state.wideEligibleOf]) {
      for (const [user, held] of holders) for (const r of held) if (roles.has(r)) out.add(user);
    }
  } else {
    for (const r of roles) out.add(`role:${r}`);
  }
  return [...out].sort();
}

export function toAuthPolicy(policy: CaPolicy, run: Pick<Run, 'stamp' | 'state' | 'ctx'>): AuthPolicyFact {
  const users = policy.conditions.users;
  const custom = new Set(run.ctx.config.mfaCustomControls);
  const alternatives = grantOf(policy, custom).alternatives;
  return {
    type: 'authPolicy',
    ...run.stamp,
    source: POLICIES_SOURCE,
    subject: policy.id,
    name: policy.displayName,
    state: STATE[policy.state] ?? 'off',
    allUsers: users?.includeUsers.includes('All') ?? false,
    allApps: policy.conditions.applications?.includeApplications.includes('All') ?? false,
    includesGuests:
      (users?.includeUsers.some((u) => u === 'All' || u === 'GuestsOrExternalUsers') ?? false) ||
      users?.includeGuestsOrExternalUsers != null,
    excluded: excludedPrincipals(policy, run.state),
    grant: grant(policy, custom),
    conditions: [
      ...narrowing(policy, { clientApps: false }),
      ...(alternatives.length > 0 ? [`or ${alternatives.join(' or ')}`] : []),
    ],
    clientAppTypes: policy.conditions.clientAppTypes,
  };
}

/** Reads the policies; their facts come later, once the groups and roles they name are known. */
export async function* conditionalAccess(run: Run, session: Session): AsyncGenerator<Fact> {
  const found: CaPolicy[] = [];
  const scope = run.ctx.config.tenantId;
  try {
    for await (const page of pages<unknown, EntraConfig, EntraSecret>(
      session,
      run.graph,
      '/identity/conditionalAccess/policies',
      'Policy.Read.All',
    )) {
      for (const raw of page) found.push(caPolicy.parse(raw));
    }
  } catch (error) {
    // Without P1 a tenant cannot have conditional access at all: "none" is then a fact, not a gap.
    if (error instanceof ConnectorError && error.code === 'licence_required') {
      run.state.policies = [];
      yield {
        type: 'setting',
        ...run.stamp,
        source: POLICIES_SOURCE,
        subject: 'entra.conditional_access',
        scope,
        value: false,
      };
      return;
    }
    throw error;
  }
  run.state.policies = found;
  yield {
    type: 'setting',
    ...run.stamp,
    source: POLICIES_SOURCE,
    subject: 'entra.conditional_access',
    scope,
    value: true,
  };
}

export async function* policyFacts(run: Run): AsyncGenerator<Fact> {
  for (const policy of run.state.policies ?? []) yield toAuthPolicy(policy, run);
}
