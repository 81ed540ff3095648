import type { EnforcementReason, Tri } from '@evident/core';
import { SECURITY_DEFAULTS_ADMIN_ROLES } from '../roles.ts';
import { narrowing } from './conditions.ts';
import { type Grant, grantOf } from './grant.ts';
import type { CaPolicy } from './policy.ts';
import { type Principal, reach } from './reach.ts';

export type { Principal } from './reach.ts';

/** Legacy per-user MFA (`perUserMfaState`): `enforced` demands MFA at every sign-in; `enabled` until registration. */
export type PerUserMfa = 'enforced' | 'enabled' | 'disabled' | 'unknown';

export interface TenantPolicy {
  securityDefaults: Tri;
  /** `undefined` when the policies could not be read. */
  policies: readonly CaPolicy[] | undefined;
  /** Custom controls (by id) the connection declares to be MFA, such as Duo's. */
  mfaCustomControls?: ReadonlySet<string>;
}

export interface Enforcement {
  mfaEnforced: Tri;
  source: 'policy' | 'security_defaults' | 'per_user' | 'none' | 'unknown';
  reason: EnforcementReason;
  detail: string;
  phishingResistantEnforced: Tri;
}

const name = (p: CaPolicy) => `'${p.displayName || p.id}'`;

const SECURITY_DEFAULTS_RISK_BASED =
  'security defaults are on, but challenge this account only when Entra judges it necessary (a new device or app, ' +
  'a risky sign-in) after a 14-day registration window; only administrators in the documented roles are ' +
  'challenged on every sign-in';

const adminRoles = (roles: ReadonlySet<string> | undefined) =>
  [...(roles ?? [])].filter((r) => SECURITY_DEFAULTS_ADMIN_ROLES.has(r));

/**
 * Security defaults, where nothing else enforces: they challenge on every sign-in only active holders of the
 * administrator roles. An eligible holder is not one until activation; a holder whose assignment is scoped to an
 * administrative unit or one object, Microsoft does not document, so that is unknown.
 */
function securityDefaultsOnly(
  p: Principal,
  notEnforced: (reason: EnforcementReason, detail: string) => Enforcement,
  unknown: (detail: string) => Enforcement,
): Enforcement {
  if (adminRoles(p.activeScoped).length > 0) {
    return unknown(
      'security defaults are on and this account holds an administrator role only at an administrative unit or ' +
        'one object; Microsoft does not document whether security defaults challenge such a holder on every sign-in',
    );
  }
  const eligible =
    adminRoles(p.activatable).length > 0
      ? '; this account is eligible (PIM) for an administrator role, and is not challenged on every sign-in until it activates it'
      : '';
  return notEnforced('security_defaults_risk_based', SECURITY_DEFAULTS_RISK_BASED + eligible);
}

interface Judged {
  policy: CaPolicy;
  grant: Grant;
  /** What narrows an enabled MFA policy to some sign-ins, its grant's alternatives to MFA included. */
  narrows: string[];
}

interface Findings {
  enforcing: Judged[];
  conditional: string[];
  uncertain: string[];
  excludedBy: CaPolicy[];
  reportOnly: CaPolicy[];
}

const judgedSets = new WeakMap<readonly CaPolicy[], { custom: ReadonlySet<string> | undefined; judged: Judged[] }>();

/**
 * Each policy's grant and narrowing conditions, which do not depend on the principal: worked out once per list of
 * policies and custom controls (a tenant's), not once per user. A tenant's policies are read into a new list, never
 * changed in place, so the list keys what was worked out.
 */
function judge(policies: readonly CaPolicy[], custom: ReadonlySet<string> | undefined): Judged[] {
  const known = judgedSets.get(policies);
  if (known && known.custom === custom) return known.judged;
  const judged = policies.map((policy): Judged => {
    const grant = grantOf(policy, custom);
    const narrows = narrowing(policy);
    if (grant.alternatives.length > 0) narrows.push(`MFA or ${grant.alternatives.join(' or ')} satisfies it`);
    return { policy, grant, narrows };
  });
  judgedSets.set(policies, { custom, judged });
  return judged;
}

function examine(p: Principal, policies: readonly CaPolicy[], custom: ReadonlySet<string> | undefined): Findings {
  const f: Findings = { enforcing: [], conditional: [], uncertain: [], excludedBy: [], reportOnly: [] };
  for (const judged of judge(policies, custom)) {
    const { policy, grant, narrows } = judged;
    const r = reach(policy, p);
    if (r.reach === 'outside') continue;
    if (!grant.mfa) {
      if (policy.state === 'enabled' && r.reach === 'included' && grant.shortfalls.length > 0) {
        f.conditional.push(`${name(policy)} requires no MFA: ${grant.shortfalls.join('; ')}`);
      }
      continue;
    }
    if (policy.state !== 'enabled') {
      if (r.reach === 'included' && policy.state === 'enabledForReportingButNotEnforced') f.reportOnly.push(policy);
      continue;
    }
    if (r.reach === 'excluded') {
      f.excludedBy.push(policy);
      continue;
    }
    if (narrows.length > 0) {
      f.conditional.push(`${name(policy)} does not require MFA for every sign-in: ${narrows.join('; ')}`);
    } else if (r.reach === 'unknown') {
      f.uncertain.push(`whether ${name(policy)} applies could not be told: ${r.why}`);
    } else f.enforcing.push(judged);
  }
  return f;
}

/**
 * Effective MFA enforcement for one principal. Only enabled policies enforce; report-only and disabled ones never
 * do. A policy enforces when it reaches the principal, its grant demands MFA without an alternative, and no
 * condition narrows it — a condition or value the resolver does not understand narrows it. Security defaults
 * enforce on every sign-in only for active, directory-wide holders of the documented administrator roles.
 * Registration alone never enforces.
 */
export function resolveEnforcement(p: Principal, tenant: TenantPolicy, perUser?: PerUserMfa): Enforcement {
  const sdAdmin = tenant.securityDefaults === true && adminRoles(p.roles).length > 0;
  if (sdAdmin) {
    return {
      mfaEnforced: true,
      source: 'security_defaults',
      reason: 'enforced_security_defaults',
      detail: 'security defaults are on and challenge administrators on every sign-in',
      phishingResistantEnforced: false,
    };
  }
  if (tenant.policies === undefined) {
    return {
      mfaEnforced: 'unknown',
      source: 'unknown',
      reason: 'unknown',
      detail: 'conditional-access policies could not be read',
      phishingResistantEnforced: 'unknown',
    };
  }
  const f = examine(p, tenant.policies, tenant.mfaCustomControls);
  if (f.enforcing.length > 0) {
    return {
      mfaEnforced: true,
      source: 'policy',
      reason: 'enforced_policy',
      detail: `enforced by ${f.enforcing.map((e) => name(e.policy)).join(', ')}`,
      phishingResistantEnforced: f.enforcing.some((e) => e.grant.phishingResistant),
    };
  }
  if (perUser === 'enforced') {
    return {
      mfaEnforced: true,
      source: 'per_user',
      reason: 'enforced_per_user',
      detail: 'legacy per-user MFA is enforced for this account',
      phishingResistantEnforced: false,
    };
  }
  const unknown = (detail: string): Enforcement => ({
    mfaEnforced: 'unknown',
    source: 'unknown',
    reason: 'unknown',
    detail,
    phishingResistantEnforced: 'unknown',
  });
  if (tenant.securityDefaults === 'unknown') {
    return unknown('no policy enforces MFA, and whether security defaults are on could not be read');
  }
  if (f.uncertain.length > 0) return unknown(f.uncertain.join('; '));
  const notEnforced = (reason: EnforcementReason, detail: string): Enforcement => ({
    mfaEnforced: false,
    source: tenant.securityDefaults === true ? 'security_defaults' : 'none',
    reason,
    detail,
    phishingResistantEnforced: false,
  });
  const perUserNote = perUser === 'enabled' ? '; per-user MFA is enabled but not yet enforced' : '';
  if (tenant.securityDefaults === true) return securityDefaultsOnly(p, notEnforced, unknown);
  if (f.conditional.length > 0) return notEnforced('conditional', f.conditional.join('; ') + perUserNote);
  if (f.excludedBy.length > 0) {
    return notEnforced('excluded', `excluded from ${f.excludedBy.map(name).join(', ')}${perUserNote}`);
  }
  const trap =
    f.reportOnly.length > 0 ? `; ${f.reportOnly.map(name).join(', ')} is report-only and enforces nothing` : '';
  if (perUser === 'enabled') return notEnforced('conditional', `per-user MFA is enabled but not yet enforced${trap}`);
  if (p.mfaRegistered === true) {
    return notEnforced('registered_not_enforced', `MFA registered but no enabled policy requires it${trap}`);
  }
  if (p.mfaRegistered === false) {
    return notEnforced('not_registered', `no MFA method registered and none required${trap}`);
  }
  return notEnforced('unknown', `no enabled policy requires MFA; registration state unknown${trap}`);
}
