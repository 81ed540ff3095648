import { type ConnectorError, remedyFor } from '@evident/connector-kit';
import type { GapFact, IdentityFact, LogDestination, LogSourceFact, SettingFact, Tri } from '@evident/core';
import type { AuditStream, EnterpriseOwnerRole, SimpleUser } from './schemas.ts';

/** What every fact of one collection carries besides its content. */
export interface Stamp {
  connection: string;
  observedAt: string;
}

export const REQUIREMENT_KEY = 'github.two_factor_requirement';
/** How many members and outside collaborators GitHub lists under `filter=2fa_insecure` (SMS); null when unread. */
export const INSECURE_KEY = 'github.insecure_2fa_accounts';
/** The method an account listed under `2fa_insecure` has: GitHub's insecure second factor is SMS. */
export const SMS_METHOD = 'sms';
/** GitHub's documented retention: 180 days of web events, 7 days of git events (Enterprise Cloud docs). */
export const AUDIT_RETENTION_DAYS = 180;
export const GIT_RETENTION_DAYS = 7;

export function gapOf(stamp: Stamp, source: string, covers: string[], error: ConnectorError): GapFact {
  return {
    type: 'gap',
    provider: 'github',
    ...stamp,
    source,
    code: error.code,
    covers,
    message: error.message,
    remedy: remedyFor(error),
    ...(error.details.permission ? { permission: error.details.permission } : {}),
    ...(error.details.licence ? { licence: error.details.licence } : {}),
  };
}

/** The org's 2FA requirement; `null` when GitHub withheld it (non-owners), which never reads as "off". */
export function requirementSetting(stamp: Stamp, org: string, value: boolean | null, source: string): SettingFact {
  return { type: 'setting', provider: 'github', ...stamp, source, subject: REQUIREMENT_KEY, scope: org, value };
}

/** How many accounts use SMS as their second factor; `null` when the owner-only filter could not be used. */
export function insecureSetting(stamp: Stamp, org: string, value: number | null, source: string): SettingFact {
  return { type: 'setting', provider: 'github', ...stamp, source, subject: INSECURE_KEY, scope: org, value };
}

/** What the identity mapping needs to know about the org besides the user itself. */
export interface Directory {
  /** The org's 2FA requirement; null when it could not be read. */
  requirement: boolean | null;
  /** Ids of the org owners; undefined when the owner list could not be read. */
  owners: ReadonlySet<number> | undefined;
  /** Who holds an organization role that administers (by id, the roles' names); undefined when unread. */
  roleAdmins: ReadonlyMap<number, readonly string[]> | undefined;
  /** Lower-cased logins of the enterprise's owners, with how each relates to the org; undefined when unread. */
  enterpriseOwners: ReadonlyMap<string, { login: string; role: EnterpriseOwnerRole }> | undefined;
  /** Ids the `2fa_disabled` filter lists; undefined when the filter could not be used. */
  without2fa: ReadonlySet<number> | undefined;
  /** Lower-cased logins of the MSP's accounts; undefined when the connection does not declare them. */
  msp: ReadonlySet<string> | undefined;
  /** Lower-cased logins of the break-glass accounts. */
  breakGlass: ReadonlySet<string>;
  /** Ids the `2fa_insecure` filter lists (SMS as second factor); undefined when the filter could not be used. */
  insecure: ReadonlySet<number> | undefined;
  /** An Enterprise Managed Users org: 2FA is held by the IdP, named by its Evident connection when declared. */
  managed: { idpConnection: string | undefined } | undefined;
}

/** Only Enterprise Managed Users have an underscore in their login (`name_shortcode`); GitHub allows none otherwise. */
export const isManagedLogin = (login: string) => login.includes('_');

/** Where a managed user's MFA is judged, in words. */
export function idpWords(managed: { idpConnection: string | undefined }): string {
  return managed.idpConnection
    ? `on the identity provider's connection ${managed.idpConnection}`
    : "on the identity provider's own connection (none is named in this connection's managedUsers.idpConnection)";
}

type Enforcement = Pick<IdentityFact, 'mfaEnforced' | 'enforcementSource' | 'enforcementReason' | 'enforcementDetail'>;

/**
 * GitHub's only enforcement is the org requirement, which covers members and outside collaborators alike: with it
 * on, GitHub removes whoever lacks 2FA, so one still listed without 2FA is an anomaly worth saying.
 */
export function enforcementOf(requirement: boolean | null, registered: Tri): Enforcement {
  if (requirement === null) {
    return {
      mfaEnforced: 'unknown',
      enforcementSource: 'unknown',
      enforcementReason: 'unknown',
      enforcementDetail: "the organization's 2FA requirement is visible to organization owners only",
    };
  }
  if (requirement) {
    return {
      mfaEnforced: true,
      enforcementSource: 'org_requirement',
      enforcementReason: 'enforced_org_requirement',
      enforcementDetail:
        registered === false
          ? 'the organization requires 2FA, yet GitHub still lists this account without 2FA'
          : 'the organization requires two-factor authentication',
    };
  }
  const reason = registered === true ? 'registered_not_enforced' : registered === false ? 'not_registered' : 'unknown';
  return {
    mfaEnforced: false,
    enforcementSource: 'none',
    enforcementReason: reason,
    enforcementDetail: 'the organization does not require two-factor authentication',
  };
}

/** A managed user signs in through the IdP: GitHub cannot tell whether 2FA is required there. */
function managedEnforcement(managed: { idpConnection: string | undefined }): Enforcement {
  return {
    mfaEnforced: 'unknown',
    enforcementSource: 'federated',
    enforcementReason: 'unknown',
    enforcementDetail: `an Enterprise Managed User: signs in through the enterprise's identity provider, which holds 2FA; judged ${idpWords(managed)}`,
  };
}

const has = (set: ReadonlySet<string> | undefined, login: string): Tri =>
  set === undefined ? 'unknown' : set.has(login.toLowerCase());

/**
 * One org member or outside collaborator as an identity. GitHub exposes neither the 2FA methods nor sign-in times,
 * and cannot require phishing-resistant 2FA: the methods name SMS only for accounts `2fa_insecure` lists, phishing-
 * resistant registration and the last sign-in stay unknown, and phishing-resistant enforcement is false.
 */
export function identityOf(
  stamp: Stamp,
  user: SimpleUser,
  membership: 'member' | 'collaborator',
  dir: Directory,
  source: string,
): IdentityFact {
  const collaborator = membership === 'collaborator';
  const owner: Tri = collaborator ? false : dir.owners === undefined ? 'unknown' : dir.owners.has(user.id);
  // Organization roles are held by members only; an unread role list leaves a non-owner's privilege unknown.
  const administering = collaborator ? [] : (dir.roleAdmins?.get(user.id) ?? []);
  // An enterprise owner can make themselves owner of any of the enterprise's orgs.
  const enterpriseOwner = dir.enterpriseOwners?.has(user.login.toLowerCase()) === true;
  const unread = !collaborator && (dir.roleAdmins === undefined || dir.enterpriseOwners === undefined);
  const privileged: Tri =
    owner === true || administering.length > 0 || enterpriseOwner
      ? true
      : owner === 'unknown' || unread
        ? 'unknown'
        : false;
  const managed = dir.managed ?? (isManagedLogin(user.login) ? { idpConnection: undefined } : undefined);
  const mfaRegistered: Tri = dir.without2fa === undefined || managed ? 'unknown' : !dir.without2fa.has(user.id);
  const breakGlass = dir.breakGlass.has(user.login.toLowerCase());
  const kind = breakGlass ? 'break_glass' : collaborator ? 'guest' : user.type === 'Bot' ? 'service' : 'human';
  return {
    type: 'identity',
    provider: 'github',
    ...stamp,
    source,
    subject: String(user.id),
    name: user.login,
    kind,
    enabled: true,
    external: collaborator,
    mspPrincipal: has(dir.msp, user.login),
    privileged,
    roles: [
      ...(collaborator ? ['outside_collaborator'] : owner === true ? ['owner'] : owner === false ? ['member'] : []),
      ...administering,
      ...(enterpriseOwner ? [ENTERPRISE_OWNER] : []),
    ],
    mfaRegistered,
    methods: !managed && dir.insecure?.has(user.id) ? [SMS_METHOD] : [],
    phishingResistantRegistered: 'unknown',
    ...(managed ? managedEnforcement(managed) : enforcementOf(dir.requirement, mfaRegistered)),
    phishingResistantEnforced: false,
    lastSignIn: 'unknown',
  };
}

export const ENTERPRISE_OWNER = 'enterprise owner';

/**
 * An owner of the org's enterprise who is not in the org: they can make themselves its owner, so they are privileged,
 * and the org's 2FA requirement does not bind them while they stay outside it.
 */
export function outsideEnterpriseOwner(stamp: Stamp, login: string, dir: Directory, source: string): IdentityFact {
  return {
    type: 'identity',
    provider: 'github',
    ...stamp,
    source,
    subject: `enterprise-owner:${login.toLowerCase()}`,
    name: login,
    kind: dir.breakGlass.has(login.toLowerCase()) ? 'break_glass' : 'human',
    enabled: true,
    external: true,
    mspPrincipal: has(dir.msp, login),
    privileged: true,
    roles: [ENTERPRISE_OWNER],
    mfaRegistered: 'unknown',
    methods: [],
    phishingResistantRegistered: 'unknown',
    mfaEnforced: 'unknown',
    enforcementSource: 'unknown',
    enforcementReason: 'unknown',
    enforcementDetail:
      "an enterprise owner outside the organization: the enterprise's own 2FA requirement is not readable here",
    phishingResistantEnforced: false,
    lastSignIn: 'unknown',
  };
}

/** Enabled, unpaused streams as destinations: outside the org's admin boundary, retention and lock unknown. */
export function streamDestinations(streams: readonly AuditStream[]): LogDestination[] {
  return streams
    .filter((s) => s.enabled && !s.paused_at)
    .map((s) => ({
      kind: 'stream',
      name: `${s.stream_type} (stream ${s.id})`,
      boundary: 'separate',
      retentionDays: 'unknown',
      locked: 'unknown',
    }));
}

/** The newest event's time, or null for an empty log. */
export function newestEventAt(events: readonly { '@timestamp'?: number; created_at?: number }[]): string | null {
  const first = events[0];
  const ms = first?.['@timestamp'] ?? first?.created_at;
  return ms === undefined ? null : new Date(ms).toISOString();
}

export interface AuditLogState {
  /** The newest web and git events: an ISO time, null when there is none, unknown when the API could not say. */
  lastWebEvent: string | null | 'unknown';
  lastGitEvent: string | null | 'unknown';
  /** Whether the audit-log API answered: git events are recorded on Enterprise Cloud only. */
  api: Tri;
  destinations: LogDestination[];
}

/**
 * The org audit log (admin activity) and its git events. Both always exist with GitHub's documented retention,
 * which no owner can shorten or purge (hence locked); the API only adds when they last saw an event.
 */
export function auditLogSources(stamp: Stamp, org: string, state: AuditLogState, streams: string): LogSourceFact[] {
  const common = { type: 'logSource', provider: 'github', ...stamp, scope: org, locked: true } as const;
  const via = streams ? `; ${streams}` : '';
  return [
    {
      ...common,
      source: `GET /orgs/${org}/audit-log?per_page=1${via}; retention: GitHub's documented ${AUDIT_RETENTION_DAYS} days`,
      subject: `${org}/audit-log`,
      category: 'admin_audit',
      important: true,
      enabled: true,
      nativeRetentionDays: AUDIT_RETENTION_DAYS,
      destinations: state.destinations,
      exemptions: [],
      lastEventAt: state.lastWebEvent,
    },
    {
      ...common,
      source: `GET /orgs/${org}/audit-log?include=git&per_page=1${via}; retention: GitHub's documented ${GIT_RETENTION_DAYS} days for git events`,
      subject: `${org}/audit-log/git`,
      category: 'git',
      important: false,
      enabled: state.api,
      nativeRetentionDays: GIT_RETENTION_DAYS,
      destinations: state.destinations,
      exemptions: [],
      lastEventAt: state.lastGitEvent,
    },
  ];
}

/** The gap of an Enterprise Managed Users org: GitHub's 2FA requirement and filters do not speak for its users. */
export function managedGap(stamp: Stamp, org: string, source: string, managed: Directory['managed'] & {}): GapFact {
  const covers = [
    `setting.${REQUIREMENT_KEY}`,
    `setting.${INSECURE_KEY}`,
    'identity.mfaEnforced',
    'identity.mfaRegistered',
  ];
  return {
    type: 'gap',
    provider: 'github',
    ...stamp,
    source,
    code: 'not_supported',
    covers,
    message: `${org} is an Enterprise Managed Users org: its members sign in through the enterprise's identity provider, which holds their 2FA, so GitHub's 2FA requirement and filters say nothing about them`,
    remedy: `Judge these users' MFA ${idpWords(managed)}; connect the identity provider to Evident if it is not yet.`,
  };
}

/**
 * Whether an organization role makes its holders privileged: admin of every repository (`base_role: admin`), or any
 * organization permission that is not read-only (a permission it does not know counts, so nothing is missed).
 */
export function administers(role: { base_role?: string | null; permissions: readonly string[] }): boolean {
  return role.base_role === 'admin' || role.permissions.some((p) => !p.startsWith('read_'));
}
