import { type CollectionSession, ConnectorError } from '@evident/connector-kit';
import type { AuthPolicyFact, Fact } from '@evident/core';
import type { EntraConfig, EntraSecret } from '../config.ts';
import { type CaPolicy, caPolicy, isPhishingResistantStrength } from '../enforcement/policy.ts';
import { grantOf, narrowing } from '../enforcement/resolve.ts';
import { pages } from '../graph-pages.ts';
import type { Run } from './state.ts';

const SOURCE = 'GET /identity/conditionalAccess/policies';

function grant(policy: CaPolicy): AuthPolicyFact['grant'] {
  const g = policy.grantControls;
  if (!g) return 'none';
  if (g.builtInControls.includes('block')) return 'block';
  if (g.authenticationStrength) {
    return isPhishingResistantStrength(g.authenticationStrength) ? 'auth_strength_phishing_resistant' : 'auth_strength';
  }
  if (g.builtInControls.includes('mfa')) return 'mfa';
  return g.builtInControls.length > 0 || g.termsOfUse.length > 0 ? 'other' : 'none';
}

const STATE = { enabled: 'on', enabledForReportingButNotEnforced: 'report_only' } as Record<
  string,
  'on' | 'report_only'
>;

export function toAuthPolicy(policy: CaPolicy, stamp: Run['stamp']): AuthPolicyFact {
  const users = policy.conditions.users;
  const alternatives = grantOf(policy).alternatives;
  return {
    type: 'authPolicy',
    ...stamp,
    source: SOURCE,
    subject: policy.id,
    name: policy.displayName,
    state: STATE[policy.state] ?? 'off',
    allUsers: users?.includeUsers.includes('All') ?? false,
    allApps: policy.conditions.applications?.includeApplications.includes('All') ?? false,
    includesGuests:
      (users?.includeUsers.some((u) => u === 'All' || u === 'GuestsOrExternalUsers') ?? false) ||
      users?.includeGuestsOrExternalUsers != null,
    excluded: [
      ...(users?.excludeUsers ?? []).map((id) => `user:${id}`),
      ...(users?.excludeGroups ?? []).map((id) => `group:${id}`),
      ...(users?.excludeRoles ?? []).map((id) => `role:${id}`),
    ],
    grant: grant(policy),
    conditions: [...narrowing(policy), ...(alternatives.length > 0 ? [`or ${alternatives.join(' or ')}`] : [])],
    clientAppTypes: policy.conditions.clientAppTypes,
  };
}

export async function* conditionalAccess(
  run: Run,
  session: CollectionSession<EntraConfig, EntraSecret>,
): AsyncGenerator<Fact> {
  const found: CaPolicy[] = [];
  try {
    for await (const page of pages<unknown, EntraConfig, EntraSecret>(
      session,
      run.graph,
      '/identity/conditionalAccess/policies',
      'Policy.Read.All',
    )) {
      for (const raw of page) {
        const policy = caPolicy.parse(raw);
        found.push(policy);
        yield toAuthPolicy(policy, run.stamp);
      }
    }
  } catch (error) {
    // Without P1 a tenant cannot have conditional access at all: "none" is then a fact, not a gap.
    if (error instanceof ConnectorError && error.code === 'licence_required') {
      run.state.policies = [];
      yield {
        type: 'setting',
        ...run.stamp,
        source: SOURCE,
        subject: 'entra.conditional_access',
        scope: run.ctx.config.tenantId,
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
    source: SOURCE,
    subject: 'entra.conditional_access',
    scope: run.ctx.config.tenantId,
    value: true,
  };
}
