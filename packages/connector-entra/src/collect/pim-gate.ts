import type { Tri } from '@evident/core';
import type { CaPolicy } from '../enforcement/policy.ts';
import { resolveEnforcement } from '../enforcement/resolve.ts';
import { roleName } from '../roles.ts';
import { type Judging, type Person, principalOf } from './identity-fact.ts';
import type { TenantState } from './state.ts';

/** A policy for one authentication context, read as it applies when that context is asked for. */
function forContext(policy: CaPolicy, context: string): CaPolicy | undefined {
  const apps = policy.conditions.applications;
  if (!apps?.includeAuthenticationContextClassReferences.includes(context)) return undefined;
  const { includeAuthenticationContextClassReferences: _, ...rest } = apps;
  return {
    ...policy,
    conditions: {
      ...policy.conditions,
      applications: { ...rest, includeAuthenticationContextClassReferences: [], includeApplications: ['All'] },
    },
  };
}

/** Whether the policies that target an authentication context require MFA of this person when it is asked for. */
function contextMfa(person: Person, context: string, state: TenantState, judging: Judging): [Tri, string] {
  const policies = judging.tenant.policies;
  if (policies === undefined)
    return ['unknown', `the policies for authentication context ${context} could not be read`];
  const targeting = policies.flatMap((p) => forContext(p, context) ?? []);
  const e = resolveEnforcement(principalOf(person, state), {
    ...judging.tenant,
    securityDefaults: false,
    policies: targeting,
  });
  if (e.mfaEnforced === true) return [true, `authentication context ${context}, ${e.detail}`];
  return [
    e.mfaEnforced,
    `authentication context ${context}: ${targeting.length === 0 ? 'no policy targets it' : e.detail}`,
  ];
}

/**
 * For a person whose privileged roles are all held as eligible (PIM): whether activating each demands MFA, by PIM's
 * own rule or by an authentication context that a policy requiring MFA targets. Absent for anyone else.
 */
export function activationOf(
  person: Person,
  privileged: readonly string[],
  active: ReadonlySet<string>,
  state: TenantState,
  judging: Judging,
): { activationMfa?: Tri; activationDetail?: string } {
  if (privileged.length === 0 || privileged.some((r) => active.has(r))) return {};
  if (!state.activation) {
    return { activationMfa: 'unknown', activationDetail: "PIM's activation rules could not be read" };
  }
  const verdicts = privileged.map((role): [Tri, string] => {
    const rule = state.activation?.get(role);
    const name = roleName(role);
    if (!rule) return ['unknown', `${name}: no activation rule was found`];
    if (rule.mfa) return [true, `${name}: PIM requires MFA on activation`];
    if (rule.context) {
      const [mfa, why] = contextMfa(person, rule.context, state, judging);
      return [mfa, `${name}: ${why}`];
    }
    return [false, `${name}: PIM does not require MFA on activation`];
  });
  const mfa: Tri = verdicts.some(([v]) => v === false) ? false : verdicts.every(([v]) => v === true) ? true : 'unknown';
  return { activationMfa: mfa, activationDetail: verdicts.map(([, why]) => why).join('; ') };
}
