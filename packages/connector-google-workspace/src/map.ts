import type { IdentityFact, LogSourceFact, Tri } from '@evident/core';

export const PROVIDER = 'google-workspace' as const;

/**
 * Workspace's audit logs are kept for fixed periods admins cannot change; Google's data retention table
 * (support.google.com/a/answer/7061566) gives six months for the login and admin audit logs. 180 days is the
 * shortest span six months can mean, so the fact never claims more than Google keeps.
 */
export const AUDIT_RETENTION_DAYS = 180;

export interface DirectoryUser {
  id: string;
  primaryEmail: string;
  isAdmin?: boolean | null | undefined;
  isDelegatedAdmin?: boolean | null | undefined;
  isEnrolledIn2Sv?: boolean | null | undefined;
  isEnforcedIn2Sv?: boolean | null | undefined;
  suspended?: boolean | null | undefined;
  archived?: boolean | null | undefined;
  orgUnitPath?: string | null | undefined;
  lastLoginTime?: string | null | undefined;
}

export interface Role {
  roleId: string;
  roleName: string;
  isSuperAdminRole: boolean;
  privileges: string[];
}

/** Who holds which roles, as far as the role assignments could be read. */
export interface RoleBook {
  /** Undefined when roles or assignments could not be read. */
  byUser: Map<string, Role[]> | undefined;
  /** Some role is assigned to a group: its members hold it, and they are not listed here. */
  groupAssigned: boolean;
}

/** Privileges that only read; any other privilege (including one not known here) administers something. */
const READ_ONLY = /(_RETRIEVE|_READ|_VIEW|_READONLY)$/;

export function administers(role: Role): boolean {
  return role.isSuperAdminRole || role.privileges.length === 0 || role.privileges.some((p) => !READ_ONLY.test(p));
}

const SYSTEM_NAMES: Record<string, string> = {
  _SEED_ADMIN_ROLE: 'Super Admin',
  _USER_MANAGEMENT_ADMIN_ROLE: 'User Management Admin',
  _HELP_DESK_ADMIN_ROLE: 'Help Desk Admin',
  _GROUPS_ADMIN_ROLE: 'Groups Admin',
  _SERVICES_ADMIN_ROLE: 'Services Admin',
  _MOBILE_ADMIN_ROLE: 'Mobile Admin',
};

export function roleLabel(role: Role): string {
  return SYSTEM_NAMES[role.roleName] ?? role.roleName;
}

const tri = (v: boolean | null | undefined): Tri => (typeof v === 'boolean' ? v : 'unknown');

function privilege(u: DirectoryUser, book: RoleBook): { privileged: Tri; roles: string[] } {
  const held = book.byUser?.get(u.id) ?? [];
  const roles = [...new Set([...(u.isAdmin ? ['Super Admin'] : []), ...held.map(roleLabel)])].sort();
  if (u.isAdmin === true) return { privileged: true, roles };
  if (u.isAdmin == null || u.isDelegatedAdmin == null) return { privileged: 'unknown', roles };
  if (!u.isDelegatedAdmin) return { privileged: false, roles };
  // A delegated admin: privileged unless every role it holds only reads, and none can reach it unseen.
  if (book.byUser === undefined) return { privileged: 'unknown', roles };
  if (held.some(administers)) return { privileged: true, roles };
  if (held.length === 0 || book.groupAssigned) return { privileged: 'unknown', roles };
  return { privileged: false, roles };
}

const ENFORCED =
  '2-Step Verification is enforced for the user’s organizational unit or group (isEnforcedIn2Sv) and the user is enrolled';

/**
 * Enforcement from the user's own flags: the Directory API does not expose the OU or group policy, only its
 * effect on each user. Enrolment alone never counts; enforced but not enrolled is unknown, as Google lets such a
 * user in with a password alone during the new-user enrolment period, whose length the API does not show.
 */
function enforcement(
  u: DirectoryUser,
): Pick<IdentityFact, 'mfaEnforced' | 'enforcementSource' | 'enforcementReason' | 'enforcementDetail'> {
  const enrolled = u.isEnrolledIn2Sv;
  const enforced = u.isEnforcedIn2Sv;
  if (typeof enforced !== 'boolean' || typeof enrolled !== 'boolean') {
    return {
      mfaEnforced: 'unknown',
      enforcementSource: 'unknown',
      enforcementReason: 'unknown',
      enforcementDetail: 'the Directory API did not return isEnforcedIn2Sv and isEnrolledIn2Sv for this user',
    };
  }
  if (enforced && enrolled) {
    return {
      mfaEnforced: true,
      enforcementSource: 'policy',
      enforcementReason: 'enforced_policy',
      enforcementDetail: ENFORCED,
    };
  }
  if (enforced) {
    return {
      mfaEnforced: 'unknown',
      enforcementSource: 'policy',
      enforcementReason: 'unknown',
      enforcementDetail:
        '2-Step Verification is enforced for the user’s organizational unit or group but the user is not enrolled: ' +
        'during the new-user enrolment period (not exposed by the API) Google lets them sign in with a password alone',
    };
  }
  return {
    mfaEnforced: false,
    enforcementSource: 'none',
    enforcementReason: enrolled ? 'registered_not_enforced' : 'not_registered',
    enforcementDetail: enrolled
      ? 'enrolled in 2-Step Verification, but no policy enforces it for the user’s organizational unit or groups (isEnforcedIn2Sv is false), so the user may turn it off'
      : 'not enrolled in 2-Step Verification and no policy enforces it (isEnforcedIn2Sv is false)',
  };
}

/** Google's "never" for lastLoginTime. */
const NEVER = '1970-01-01T00:00:00.000Z';

export interface Declared {
  breakGlass: ReadonlySet<string>;
  /** E-mails and `@domain`s of the MSP's accounts; undefined when not declared. */
  msp: readonly string[] | undefined;
}

function mspPrincipal(email: string, msp: Declared['msp']): Tri {
  if (msp === undefined) return 'unknown';
  const lower = email.toLowerCase();
  return msp.some((m) => (m.startsWith('@') ? lower.endsWith(m) : lower === m));
}

export interface Stamp {
  connection: string;
  observedAt: string;
}

export function identityOf(
  stamp: Stamp,
  source: string,
  u: DirectoryUser,
  book: RoleBook,
  declared: Declared,
): IdentityFact {
  const email = u.primaryEmail.toLowerCase();
  const { privileged, roles } = privilege(u, book);
  const enrolled = tri(u.isEnrolledIn2Sv);
  const last = u.lastLoginTime;
  return {
    type: 'identity',
    provider: PROVIDER,
    ...stamp,
    source,
    subject: u.id,
    name: u.primaryEmail,
    kind: declared.breakGlass.has(email) ? 'break_glass' : 'human',
    // Suspended and archived users cannot sign in.
    enabled: u.suspended !== true && u.archived !== true,
    external: false,
    mspPrincipal: mspPrincipal(email, declared.msp),
    privileged,
    roles,
    mfaRegistered: enrolled,
    methods: [],
    // The Directory API does not say which 2SV methods a user has or which the policy allows.
    phishingResistantRegistered: 'unknown',
    phishingResistantEnforced: 'unknown',
    ...enforcement(u),
    lastSignIn: typeof last === 'string' && last !== '' ? (last === NEVER ? null : last) : 'unknown',
  };
}

export type Application = 'login' | 'admin';

export const CATEGORY: Record<Application, LogSourceFact['category']> = { login: 'sign_in', admin: 'admin_audit' };

export function logSourceOf(
  stamp: Stamp,
  scope: string,
  application: Application,
  newest: string | null,
  source: string,
): LogSourceFact {
  return {
    type: 'logSource',
    provider: PROVIDER,
    ...stamp,
    source: `${source}; retention: fixed by Google at six months for the ${application} audit log (support.google.com/a/answer/7061566)`,
    subject: `${scope}/reports/${application}`,
    scope,
    category: CATEGORY[application],
    important: true,
    // A report that answers is being recorded; Workspace cannot switch these logs off.
    enabled: true,
    nativeRetentionDays: AUDIT_RETENTION_DAYS,
    // Admins can neither delete Workspace audit events nor change how long Google keeps them.
    locked: true,
    // Whether they are exported (BigQuery, sharing with Google Cloud) is not readable: a gap says so.
    destinations: [],
    exemptions: [],
    lastEventAt: newest,
  };
}
