import type { IdentityFact, Tri } from '@evident/core';
import type { Grade } from './tally.ts';

/** Enabled accounts a person signs in with; workload identities cannot do MFA and are out of every MFA scope. */
export function signsInInteractively(f: IdentityFact): boolean {
  return f.enabled && f.kind !== 'service';
}

export function isExternal(f: IdentityFact): boolean {
  return f.kind === 'guest' || f.external;
}

const REASON_WORDS: Record<IdentityFact['enforcementReason'], string> = {
  enforced_policy: 'MFA enforced by policy',
  enforced_security_defaults: 'MFA enforced by security defaults',
  enforced_per_user: 'MFA enforced by a per-user setting',
  enforced_org_requirement: 'MFA required by the organization',
  enforced_federated: 'MFA enforced by the federated identity provider',
  conditional: 'MFA required only under some conditions',
  security_defaults_risk_based: 'MFA challenged by security defaults only when Entra judges it necessary',
  excluded: 'excluded from every policy that enforces MFA',
  registered_not_enforced: 'MFA registered but no enabled policy enforces it',
  not_registered: 'no MFA method registered and none enforced',
  unknown: 'how MFA is enforced could not be determined',
};

/** Why a subject is (not) forced through MFA, in words, with the connector's detail (which policy, which condition). */
export function enforcementWhy(f: IdentityFact): string {
  const words =
    f.mfaEnforced === false && f.enforcementReason.startsWith('enforced_')
      ? 'MFA not enforced'
      : REASON_WORDS[f.enforcementReason];
  return f.enforcementDetail ? `${words}: ${f.enforcementDetail}` : words;
}

export function enforcementGrade(enforced: Tri): Grade {
  return enforced === true ? 'compliant' : enforced === false ? 'failing' : 'unknown';
}

/** A principal name or id, lower-cased: how policy exclusions are matched to declared accounts. */
export function principalKey(s: string): string {
  return s.toLowerCase();
}
