import type { AuthPolicyFact, EnforcementReason, IdentityFact, LogDestination, LogSourceFact } from '@evident/core';
import type { PresetName } from '@evident/simulators';
import {
  ADMIN_ROLE_TEMPLATE_IDS,
  type ConditionalAccessPolicy,
  type DiagnosticDestination,
  type DirectoryUser,
  diagnosticDestinations,
  type EntraDirectory,
  nativeRetentionDays,
  roleDisplayName,
} from '@evident/simulators/graph';
import type { EntraConfig } from './config.ts';
import { PRIVILEGED_ROLES, SECURITY_DEFAULTS_ADMIN_ROLES } from './roles.ts';

/** What the world implies about MFA for one user, per preset, from its policies' shapes. */
interface Enforcement {
  reason(u: DirectoryUser, d: EntraDirectory): EnforcementReason;
  phishingResistant(u: DirectoryUser): boolean;
}

/** Holds a role the "administrators" policy targets, actively: a role policy reaches eligible holders only once active. */
const isAdmin = (u: DirectoryUser) => u.roleTemplateIds.some((r) => ADMIN_ROLE_TEMPLATE_IDS.includes(r));

/** Whether every privileged role is held only as eligible: PIM's defaults then gate none of them with MFA. */
function activation(u: DirectoryUser, held: string[]) {
  if (held.length === 0 || held.some((r) => u.roleTemplateIds.includes(r))) return {};
  const detail = held.map((r) => `${roleDisplayName(r)}: PIM does not require MFA on activation`).join('; ');
  return { activationMfa: false, activationDetail: detail };
}

export function inGroup(d: EntraDirectory, key: string, u: DirectoryUser): boolean {
  const group = d.groups.find((g) => g.key === key);
  return group !== undefined && d.transitiveMembers(group).hasUser(u.index);
}

/** "Require MFA for all users", break-glass accounts excluded through their group. */
const allUsers = (phishingResistantAdmins: boolean): Enforcement => ({
  reason: (u) => (u.breakGlass ? 'excluded' : 'enforced_policy'),
  phishingResistant: (u) => phishingResistantAdmins && !u.breakGlass && isAdmin(u),
});

export const ENFORCEMENT: Partial<Record<PresetName, Enforcement>> = {
  healthy: allUsers(true),
  'msp-internal': allUsers(true),
  'short-retention': allUsers(false),
  huge: allUsers(false),
  // The only all-users policy is report-only: registration is all there is.
  'admins-unenforced': {
    reason: (u) => (u.isMfaRegistered ? 'registered_not_enforced' : 'not_registered'),
    phishingResistant: () => false,
  },
  // Security defaults challenge the documented administrator roles on every sign-in, others only when necessary.
  'security-defaults': {
    reason: (u) =>
      u.roleTemplateIds.some((r) => SECURITY_DEFAULTS_ADMIN_ROLES.has(r))
        ? 'enforced_security_defaults'
        : 'security_defaults_risk_based',
    phishingResistant: () => false,
  },
  // Free, no defaults, no conditional access, and the registration report needs P1.
  'free-no-defaults': { reason: () => 'unknown', phishingResistant: () => false },
  // Active admins meet the role policy (eligible ones only once they activate); everyone else only narrowed,
  // single-factor or undeclared custom-control grants, so legacy per-user MFA is all that enforces for some.
  'privileged-scope': {
    reason(u) {
      if (u.breakGlass) return 'excluded';
      if (isAdmin(u)) return 'enforced_policy';
      return u.perUserMfaState === 'enforced' ? 'enforced_per_user' : 'conditional';
    },
    phishingResistant: () => false,
  },
  // "All staff" reaches its members through two levels of nesting, minus the exemptions group (kiosks nested in
  // it); admins have their own policy; everyone else meets only the OR-grant and the trusted-location policies.
  'ca-edge-cases': {
    reason(u, d) {
      if (u.breakGlass) return 'excluded';
      if (isAdmin(u)) return 'enforced_policy';
      if (inGroup(d, 'allStaff', u) && !inGroup(d, 'mfaExemptions', u)) return 'enforced_policy';
      return 'conditional';
    },
    phishingResistant: () => false,
  },
};

/** The identity fact the connector owes for one enabled user, without the stamp. */
export function expectedIdentity(
  u: DirectoryUser,
  d: EntraDirectory,
  config: EntraConfig,
  rule: Enforcement,
): Omit<IdentityFact, 'connection' | 'provider' | 'observedAt' | 'source' | 'enforcementDetail'> {
  const licensed = d.world.licence !== 'free';
  const held = [...u.roleTemplateIds, ...u.eligibleRoleTemplateIds].filter((r) => r in PRIVILEGED_ROLES);
  const home = u.mail.slice(u.mail.lastIndexOf('@') + 1);
  const reason = rule.reason(u, d);
  const enforced = reason.startsWith('enforced_');
  return {
    type: 'identity',
    subject: u.id,
    name: u.userPrincipalName,
    kind: u.breakGlass ? 'break_glass' : u.userType === 'Guest' ? 'guest' : 'human',
    enabled: true,
    external: u.userType === 'Guest',
    ...(u.userType === 'Guest' ? { guestType: 'b2bCollaborationGuest' as const } : {}),
    mspPrincipal: config.mspDomains ? config.mspDomains.includes(home) : 'unknown',
    privileged: held.length > 0,
    roles: held.map(roleDisplayName).sort(),
    eligible: u.eligibleRoleTemplateIds.some((r) => r in PRIVILEGED_ROLES && !u.roleTemplateIds.includes(r)),
    ...activation(u, held),
    mfaRegistered: licensed ? u.isMfaRegistered : 'unknown',
    methods: licensed ? u.methodsRegistered : [],
    phishingResistantRegistered: licensed ? u.isPasswordlessCapable : 'unknown',
    mfaEnforced: enforced,
    enforcementSource:
      reason === 'enforced_policy'
        ? 'policy'
        : reason === 'enforced_per_user'
          ? 'per_user'
          : reason === 'enforced_security_defaults' || reason === 'security_defaults_risk_based'
            ? 'security_defaults'
            : 'none',
    enforcementReason: reason,
    phishingResistantEnforced: rule.phishingResistant(u),
    lastSignIn: 'unknown',
  };
}

/** Users the policy leaves out, by object id: named ones, members of excluded groups and holders of excluded roles. */
export function excludedIds(p: ConditionalAccessPolicy, d: EntraDirectory): string[] {
  const out = new Set(p.conditions.users.excludeUsers);
  for (const id of p.conditions.users.excludeGroups) {
    const members = d.transitiveMembers(d.group(id)!);
    for (let k = 0; k < members.count; k++) {
      const m = members.at(k);
      if (m.type === 'user') out.add(d.user(m.index).id);
    }
  }
  const roles = p.conditions.users.excludeRoles;
  if (roles.length > 0) for (const u of d.users()) if (u.roleTemplateIds.some((r) => roles.includes(r))) out.add(u.id);
  return [...out].sort();
}

export function expectedPolicy(p: ConditionalAccessPolicy, d: EntraDirectory): Partial<AuthPolicyFact> {
  const u = p.conditions.users;
  const g = p.grantControls;
  const strength = g.authenticationStrength?.id === '00000000-0000-0000-0000-000000000004';
  return {
    subject: p.id,
    name: p.displayName,
    state: ({ enabled: 'on', enabledForReportingButNotEnforced: 'report_only', disabled: 'off' } as const)[p.state],
    allUsers: u.includeUsers.includes('All'),
    allApps: p.conditions.applications.includeApplications.includes('All'),
    includesGuests:
      u.includeUsers.includes('All') ||
      u.includeUsers.includes('GuestsOrExternalUsers') ||
      u.includeGuestsOrExternalUsers !== null,
    excluded: excludedIds(p, d),
    grant: g.builtInControls.includes('block')
      ? 'block'
      : strength
        ? 'auth_strength_phishing_resistant'
        : g.builtInControls.includes('mfa')
          ? 'mfa'
          : // A single-factor strength and an undeclared custom control are no MFA grant.
            'other',
    clientAppTypes: p.conditions.clientAppTypes,
  };
}

const TABLES: Record<string, string> = {
  AuditLogs: 'AuditLogs',
  SignInLogs: 'SigninLogs',
  NonInteractiveUserSignInLogs: 'AADNonInteractiveUserSignInLogs',
  ServicePrincipalSignInLogs: 'AADServicePrincipalSignInLogs',
};

/**
 * What a destination keeps a category for: a workspace table's total retention (its own, else the setting's,
 * within 4–4,383 days); a storage account's lifecycle rule where it matches the category's container.
 */
function retentionOf(setting: DiagnosticDestination['setting'], entraName: string): number | 'unknown' {
  if (setting.destination === 'log_analytics') {
    const days = setting.tableRetentionDays?.[TABLES[entraName]!] ?? setting.retentionDays;
    return Math.min(4383, Math.max(4, days));
  }
  if (setting.destination === 'storage' && ['AuditLogs', 'SignInLogs'].includes(entraName))
    return setting.retentionDays;
  return 'unknown';
}

const KINDS = { log_analytics: 'log_analytics', storage: 'storage', event_hub: 'event_hub' } as const;

/** The four Entra logs the connector reports, as the world keeps and exports them. */
export function expectedLogs(d: EntraDirectory, seed: number): Partial<LogSourceFact>[] {
  const categories = {
    AuditLogs: 'admin_audit',
    SignInLogs: 'sign_in',
    NonInteractiveUserSignInLogs: 'non_interactive_sign_in',
    ServicePrincipalSignInLogs: 'workload_sign_in',
  } as const;
  const licensed = d.world.licence !== 'free';
  const newestAudit = d.directoryAudits.count > 0 ? d.directoryAudits.at(0).activityDateTime : null;
  const newestSignIn = d.signIns.count > 0 ? d.signIns.at(0).createdDateTime : null;
  return Object.entries(categories).map(([entraName, category]) => ({
    subject: `${d.world.tenantId}/${entraName}`,
    scope: d.world.tenantId,
    category,
    enabled: true,
    nativeRetentionDays: nativeRetentionDays(d.world),
    destinations: diagnosticDestinations(d.world, seed)
      .filter((x) => x.setting.categories.includes(entraName))
      .map(
        (x): LogDestination => ({
          kind: KINDS[x.setting.destination],
          name: x.resourceId,
          boundary: x.setting.separateBoundary ? 'separate' : 'same_admin_domain',
          retentionDays: retentionOf(x.setting, entraName),
          // No immutability policy nor legal hold in these worlds: a storage account's logs are not locked.
          locked: x.setting.destination === 'event_hub' ? 'unknown' : false,
        }),
      ),
    lastEventAt:
      category === 'admin_audit' ? newestAudit : category === 'sign_in' && licensed ? newestSignIn : 'unknown',
  }));
}
