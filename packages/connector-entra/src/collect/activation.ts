import type { CollectionSession } from '@evident/connector-kit';
import type { EntraConfig, EntraSecret } from '../config.ts';
import { pages } from '../graph-pages.ts';
import { ROLE_POLICY_PERMISSION } from '../permissions.ts';
import type { Activation, Run } from './state.ts';

type Session = CollectionSession<EntraConfig, EntraSecret>;

export const ROLE_POLICIES = '/policies/roleManagementPolicies';
export const ROLE_POLICY_ASSIGNMENTS = '/policies/roleManagementPolicyAssignments';
const DIRECTORY_ROLES = { $filter: "scopeId eq '/' and scopeType eq 'DirectoryRole'" };

interface Rule {
  '@odata.type'?: string;
  id?: string;
  enabledRules?: string[] | null;
  isEnabled?: boolean | null;
  claimValue?: string | null;
  target?: { caller?: string | null; level?: string | null } | null;
}

interface Policy {
  id: string;
  rules?: Rule[] | null;
}

interface PolicyAssignment {
  policyId: string;
  roleDefinitionId: string;
}

/**
 * PIM's rule types (derived from `unifiedRoleManagementPolicyRule`): the two that can demand MFA on activation are
 * read; the others decide who approves, for how long, and who is told, none of which is a second factor.
 */
export const ROLE_RULE_TYPES = {
  unifiedRoleManagementPolicyEnablementRule: 'read',
  unifiedRoleManagementPolicyAuthenticationContextRule: 'read',
  unifiedRoleManagementPolicyApprovalRule: 'no second factor',
  unifiedRoleManagementPolicyExpirationRule: 'no second factor',
  unifiedRoleManagementPolicyNotificationRule: 'no second factor',
} as const;

/** A rule that governs a user activating an eligible assignment (PIM's "on activation, require"). */
const onActivation = (r: Rule) => r.target?.caller === 'EndUser' && r.target?.level === 'Assignment';

/** What a policy's end-user assignment rules demand on activation: MFA, an authentication context, or neither. */
export function activationOf(policy: Policy): Activation {
  const rules = (policy.rules ?? []).filter(onActivation);
  const type = (r: Rule) => r['@odata.type']?.split('.').pop();
  const mfa = rules.some(
    (r) =>
      type(r) === 'unifiedRoleManagementPolicyEnablementRule' &&
      (r.enabledRules ?? []).includes('MultiFactorAuthentication'),
  );
  const context = rules.find(
    (r) => type(r) === 'unifiedRoleManagementPolicyAuthenticationContextRule' && r.isEnabled === true && r.claimValue,
  )?.claimValue;
  return context ? { mfa, context } : { mfa };
}

/**
 * PIM's activation rules of every directory role: which policy governs a role, and what its end-user assignment
 * rules demand. Only read where someone is eligible; a role without a policy is not in the map.
 */
export async function activationRules(run: Run, session: Session): Promise<void> {
  if (!run.state.pimRead || run.state.eligibleOf.size === 0) return;
  const policies = new Map<string, Activation>();
  for await (const page of pages<Policy, EntraConfig, EntraSecret>(
    session,
    run.graph,
    ROLE_POLICIES,
    ROLE_POLICY_PERMISSION,
    { ...DIRECTORY_ROLES, $expand: 'rules' },
  )) {
    for (const p of page) policies.set(p.id, activationOf(p));
  }
  const byRole = new Map<string, Activation>();
  for await (const page of pages<PolicyAssignment, EntraConfig, EntraSecret>(
    session,
    run.graph,
    ROLE_POLICY_ASSIGNMENTS,
    ROLE_POLICY_PERMISSION,
    DIRECTORY_ROLES,
  )) {
    for (const a of page) {
      const activation = policies.get(a.policyId);
      if (activation) byRole.set(a.roleDefinitionId, activation);
    }
  }
  run.state.activation = byRole;
}
