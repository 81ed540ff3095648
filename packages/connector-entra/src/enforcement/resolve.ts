import type { EnforcementReason, Tri } from '@evident/core';
import { type CaPolicy, isPhishingResistantStrength, MODERN_CLIENTS } from './policy.ts';

export interface Principal {
  id: string;
  guest: boolean;
  /** Every group the user belongs to, directly or through nesting (only groups some policy names are needed). */
  groups: ReadonlySet<string>;
  /** Directory role template ids the user holds, directly or through a role-assignable group. */
  roles: ReadonlySet<string>;
  mfaRegistered: Tri;
}

export interface TenantPolicy {
  securityDefaults: Tri;
  /** `undefined` when the policies could not be read. */
  policies: readonly CaPolicy[] | undefined;
}

export interface Enforcement {
  mfaEnforced: Tri;
  source: 'policy' | 'security_defaults' | 'none' | 'unknown';
  reason: EnforcementReason;
  detail: string;
  phishingResistantEnforced: Tri;
}

type Reach = 'included' | 'excluded' | 'outside';

function has(list: readonly string[], value: string): boolean {
  return list.includes(value);
}

function intersects(list: readonly string[], set: ReadonlySet<string>): boolean {
  return list.some((v) => set.has(v));
}

/** Whether a policy's user conditions reach the principal. Exclusions win over inclusions. */
export function reach(policy: CaPolicy, p: Principal): Reach {
  const u = policy.conditions.users;
  if (!u) return 'outside';
  const guestIncluded =
    p.guest && (has(u.includeUsers, 'GuestsOrExternalUsers') || u.includeGuestsOrExternalUsers != null);
  const included =
    has(u.includeUsers, 'All') ||
    has(u.includeUsers, p.id) ||
    guestIncluded ||
    intersects(u.includeGroups, p.groups) ||
    intersects(u.includeRoles, p.roles);
  if (!included) return 'outside';
  const guestExcluded =
    p.guest && (has(u.excludeUsers, 'GuestsOrExternalUsers') || u.excludeGuestsOrExternalUsers != null);
  const excluded =
    has(u.excludeUsers, p.id) ||
    guestExcluded ||
    intersects(u.excludeGroups, p.groups) ||
    intersects(u.excludeRoles, p.roles);
  return excluded ? 'excluded' : 'included';
}

interface Grant {
  mfa: boolean;
  phishingResistant: boolean;
  /** Set when MFA is one option among others (an OR-grant), naming the alternatives. */
  alternatives: string[];
}

export function grantOf(policy: CaPolicy): Grant {
  const g = policy.grantControls;
  if (!g) return { mfa: false, phishingResistant: false, alternatives: [] };
  const strength = g.authenticationStrength;
  const mfa = has(g.builtInControls, 'mfa') || strength != null;
  const others = g.builtInControls.filter((c) => c !== 'mfa' && c !== 'block');
  const alternatives = (g.operator ?? 'OR').toUpperCase() === 'OR' ? [...others, ...g.customAuthenticationFactors] : [];
  return { mfa, phishingResistant: strength != null && isPhishingResistantStrength(strength), alternatives };
}

/**
 * Conditions that narrow a policy to some sign-ins; empty when it covers every interactive sign-in. Client app
 * types can be left out for callers that report them separately (a legacy-auth block is narrowed on purpose).
 */
export function narrowing(policy: CaPolicy, { clientApps = true } = {}): string[] {
  const c = policy.conditions;
  const out: string[] = [];
  const apps = c.applications;
  if (!apps || !has(apps.includeApplications, 'All')) out.push('only some applications');
  else if (apps.excludeApplications.length > 0) out.push(`${apps.excludeApplications.length} application(s) excluded`);
  const clients = c.clientAppTypes;
  if (clientApps && clients.length > 0 && !has(clients, 'all') && !MODERN_CLIENTS.every((m) => has(clients, m))) {
    out.push(`only client apps ${clients.join(', ')}`);
  }
  const loc = c.locations;
  if (
    loc &&
    ((loc.includeLocations.length > 0 && !has(loc.includeLocations, 'All')) || loc.excludeLocations.length > 0)
  ) {
    out.push(loc.excludeLocations.length > 0 ? 'trusted locations excluded' : 'only some locations');
  }
  const plat = c.platforms;
  if (
    plat &&
    ((plat.includePlatforms.length > 0 && !has(plat.includePlatforms, 'all')) || plat.excludePlatforms.length > 0)
  ) {
    out.push('only some device platforms');
  }
  if (c.signInRiskLevels.length > 0) out.push(`only sign-in risk ${c.signInRiskLevels.join('/')}`);
  if (c.userRiskLevels.length > 0) out.push(`only user risk ${c.userRiskLevels.join('/')}`);
  if (c.devices?.deviceFilter != null) out.push('a device filter');
  return out;
}

const name = (p: CaPolicy) => `'${p.displayName || p.id}'`;

/**
 * Effective MFA enforcement for one principal. Only enabled policies enforce; report-only and disabled ones never
 * do. A policy enforces when it reaches the principal, requires MFA (or an authentication strength) without an
 * alternative, and covers every sign-in. Security defaults enforce for everyone. Registration alone never enforces.
 */
export function resolveEnforcement(p: Principal, tenant: TenantPolicy): Enforcement {
  if (tenant.securityDefaults === true) {
    return {
      mfaEnforced: true,
      source: 'security_defaults',
      reason: 'enforced_security_defaults',
      detail: 'security defaults are on',
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

  const enforcing: CaPolicy[] = [];
  const conditional: string[] = [];
  const excludedBy: CaPolicy[] = [];
  const reportOnly: CaPolicy[] = [];
  for (const policy of tenant.policies) {
    const grant = grantOf(policy);
    if (!grant.mfa) continue;
    const r = reach(policy, p);
    if (r === 'outside') continue;
    if (policy.state !== 'enabled') {
      if (r === 'included' && policy.state === 'enabledForReportingButNotEnforced') reportOnly.push(policy);
      continue;
    }
    if (r === 'excluded') {
      excludedBy.push(policy);
      continue;
    }
    const narrows = narrowing(policy);
    if (grant.alternatives.length > 0) narrows.push(`MFA or ${grant.alternatives.join(' or ')} satisfies it`);
    if (narrows.length > 0)
      conditional.push(`${name(policy)} does not require MFA for every sign-in: ${narrows.join('; ')}`);
    else enforcing.push(policy);
  }

  if (enforcing.length > 0) {
    const pr = enforcing.some((e) => grantOf(e).phishingResistant);
    return {
      mfaEnforced: true,
      source: 'policy',
      reason: 'enforced_policy',
      detail: `enforced by ${enforcing.map(name).join(', ')}`,
      phishingResistantEnforced: pr,
    };
  }
  if (tenant.securityDefaults === 'unknown') {
    return {
      mfaEnforced: 'unknown',
      source: 'unknown',
      reason: 'unknown',
      detail: 'no policy enforces MFA, and whether security defaults are on could not be read',
      phishingResistantEnforced: 'unknown',
    };
  }
  const notEnforced = (reason: EnforcementReason, detail: string): Enforcement => ({
    mfaEnforced: false,
    source: 'none',
    reason,
    detail,
    phishingResistantEnforced: false,
  });
  if (conditional.length > 0) return notEnforced('conditional', conditional.join('; '));
  if (excludedBy.length > 0) return notEnforced('excluded', `excluded from ${excludedBy.map(name).join(', ')}`);
  const trap = reportOnly.length > 0 ? `; ${reportOnly.map(name).join(', ')} is report-only and enforces nothing` : '';
  if (p.mfaRegistered === true) {
    return notEnforced('registered_not_enforced', `MFA registered but no enabled policy requires it${trap}`);
  }
  if (p.mfaRegistered === false)
    return notEnforced('not_registered', `no MFA method registered and none required${trap}`);
  return notEnforced('unknown', `no enabled policy requires MFA; registration state unknown${trap}`);
}
