import { z } from 'zod';
import { days, isoDateTime, tri } from './tri.ts';

export const PROVIDERS = ['entra', 'github', 'gcp-logging', 'google-workspace', 'aws'] as const;
export const provider = z.enum(PROVIDERS);
export type Provider = z.infer<typeof provider>;

/** What every fact carries: where it came from and when it was true. */
const base = {
  /** The connection that produced it: its id, or its name in a one-shot assessment. */
  connection: z.string().min(1),
  provider,
  /** The API call (or calls) the fact was read from, for the evidence trail. */
  source: z.string().min(1),
  observedAt: isoDateTime,
};

export const IDENTITY_KINDS = ['human', 'guest', 'service', 'break_glass'] as const;

export const ENFORCEMENT_SOURCES = [
  'policy',
  'security_defaults',
  'per_user',
  'org_requirement',
  'federated',
  'none',
  'unknown',
] as const;

/** Why a subject is or is not forced through MFA, computed by the connector (registration alone never enforces). */
export const ENFORCEMENT_REASONS = [
  'enforced_policy',
  'enforced_security_defaults',
  'enforced_per_user',
  'enforced_org_requirement',
  'enforced_federated',
  'conditional',
  /** Security defaults are on, but challenge this (non-administrator) account only when Entra judges it necessary. */
  'security_defaults_risk_based',
  'excluded',
  'registered_not_enforced',
  'not_registered',
  'unknown',
] as const;

/** Graph's kinds of guest and external user (`conditionalAccessGuestOrExternalUserTypes`), or `unknown`. */
export const GUEST_TYPES = [
  'internalGuest',
  'b2bCollaborationGuest',
  'b2bCollaborationMember',
  'b2bDirectConnectUser',
  'otherExternalUser',
  'serviceProvider',
  'unknown',
] as const;

export const identityFact = z.object({
  type: z.literal('identity'),
  ...base,
  /** The provider's stable id of the principal. */
  subject: z.string().min(1),
  /** User principal name, login or e-mail: what a person recognises. */
  name: z.string(),
  kind: z.enum(IDENTITY_KINDS),
  enabled: z.boolean(),
  external: z.boolean().default(false),
  /** For an external account, which kind of guest or external user it is. */
  guestType: z.enum(GUEST_TYPES).optional(),
  mspPrincipal: tri.default('unknown'),
  privileged: tri,
  roles: z.array(z.string()).default([]),
  /** Some privileged role is held only as eligible (PIM): the account can activate it at will. Absent: no. */
  eligible: z.boolean().optional(),
  /**
   * For an account whose privileged roles are all eligible (PIM): whether activating them demands MFA, by PIM's
   * rule or by an authentication context a policy requires MFA for. Absent for anyone else.
   */
  activationMfa: tri.optional(),
  /** Which path gates each role's activation, or why none does. */
  activationDetail: z.string().optional(),
  mfaRegistered: tri,
  methods: z.array(z.string()).default([]),
  phishingResistantRegistered: tri,
  mfaEnforced: tri,
  enforcementSource: z.enum(ENFORCEMENT_SOURCES),
  enforcementReason: z.enum(ENFORCEMENT_REASONS),
  /** Words for the reason: which policy enforces or excludes, which condition narrows it. */
  enforcementDetail: z.string().optional(),
  phishingResistantEnforced: tri.default('unknown'),
  lastSignIn: z.union([isoDateTime, z.null(), z.literal('unknown')]).default('unknown'),
});

export const POLICY_STATES = ['on', 'report_only', 'off'] as const;
export const POLICY_GRANTS = [
  'mfa',
  'auth_strength',
  'auth_strength_phishing_resistant',
  'block',
  'other',
  'none',
] as const;

export const authPolicyFact = z.object({
  type: z.literal('authPolicy'),
  ...base,
  subject: z.string().min(1),
  name: z.string(),
  state: z.enum(POLICY_STATES),
  allUsers: z.boolean(),
  allApps: z.boolean(),
  includesGuests: z.boolean(),
  /** Principals (users, groups, roles) the policy excludes, as the provider names them. */
  excluded: z.array(z.string()).default([]),
  grant: z.enum(POLICY_GRANTS),
  /** Conditions that narrow where it applies: locations, platforms, risk levels, an OR-grant with a device. */
  conditions: z.array(z.string()).default([]),
  /** Client app types it targets; includes legacy protocols (`exchangeActiveSync`, `other`) when it blocks them. */
  clientAppTypes: z.array(z.string()).default([]),
});

export const LOG_CATEGORIES = [
  'admin_audit',
  'sign_in',
  'non_interactive_sign_in',
  'workload_sign_in',
  'data_access',
  'system_event',
  'git',
] as const;
export const BOUNDARIES = ['same_admin_domain', 'separate', 'unknown'] as const;

export const logDestination = z.object({
  kind: z.enum(['log_bucket', 'storage', 'bigquery', 'pubsub', 'log_analytics', 'event_hub', 'siem', 'stream']),
  name: z.string(),
  boundary: z.enum(BOUNDARIES),
  retentionDays: days,
  /** `retentionDays` is only what is guaranteed: nothing read says when the log is deleted after that. */
  retentionAtLeast: z.boolean().optional(),
  locked: tri,
  /** How long a lock holds each record, where it ends before `retentionDays` does (a time-based immutability policy). */
  lockedDays: z.number().int().nonnegative().optional(),
  lastDeliveredAt: z.union([isoDateTime, z.null()]).optional(),
});

export const logSourceFact = z.object({
  type: z.literal('logSource'),
  ...base,
  subject: z.string().min(1),
  /** The account the log belongs to: an Entra tenant, a GitHub org, a GCP project, folder or organization. */
  scope: z.string(),
  category: z.enum(LOG_CATEGORIES),
  /** One of the advisory's "most important" logs (admin activity and sign-ins by default). */
  important: z.boolean(),
  enabled: tri,
  nativeRetentionDays: days,
  locked: tri.default('unknown'),
  destinations: z.array(logDestination).default([]),
  /** Principals exempted from this log (data-access audit exemptions). */
  exemptions: z.array(z.string()).default([]),
  lastEventAt: z.union([isoDateTime, z.null(), z.literal('unknown')]).default('unknown'),
});

export const settingFact = z.object({
  type: z.literal('setting'),
  ...base,
  /** A stable key, `provider.name`: `entra.security_defaults`, `github.two_factor_requirement`. */
  subject: z.string().min(1),
  scope: z.string(),
  value: z.union([z.boolean(), z.number(), z.string(), z.null()]),
});

export const GAP_CODES = [
  'permission_missing',
  'licence_required',
  'auth_failed',
  'throttled',
  'provider_error',
  'not_supported',
] as const;

/**
 * What could not be collected. `covers` names the evidence that is missing, in the vocabulary controls use for
 * their needs: a fact type (`identity`), optionally narrowed by a field or category (`identity.privileged`,
 * `logSource.sign_in`, `setting.github.two_factor_requirement`).
 */
export const gapFact = z.object({
  type: z.literal('gap'),
  ...base,
  code: z.enum(GAP_CODES),
  covers: z.array(z.string().min(1)).min(1),
  message: z.string().min(1),
  remedy: z.string().min(1),
  permission: z.string().optional(),
  licence: z.string().optional(),
});

export const fact = z.discriminatedUnion('type', [identityFact, authPolicyFact, logSourceFact, settingFact, gapFact]);

export type IdentityFact = z.infer<typeof identityFact>;
export type AuthPolicyFact = z.infer<typeof authPolicyFact>;
export type LogDestination = z.infer<typeof logDestination>;
export type LogSourceFact = z.infer<typeof logSourceFact>;
export type SettingFact = z.infer<typeof settingFact>;
export type GapFact = z.infer<typeof gapFact>;
export type Gap = GapFact;
export type Fact = z.infer<typeof fact>;
export type FactType = Fact['type'];
export type FactInput = z.input<typeof fact>;
export type GapCode = (typeof GAP_CODES)[number];
export type LogCategory = (typeof LOG_CATEGORIES)[number];
export type EnforcementReason = (typeof ENFORCEMENT_REASONS)[number];

/** True when a gap that covers `cover` leaves the evidence `need` missing: the gap is the same or broader. */
export function gapCovers(cover: string, need: string): boolean {
  return need === cover || need.startsWith(`${cover}.`);
}

/**
 * The longest a log survives anywhere it is kept, natively or in any destination it is exported to: the longest
 * known retention, and whether some retention could not be read (so the true figure may be longer).
 */
export function effectiveRetention(source: Pick<LogSourceFact, 'nativeRetentionDays' | 'destinations'>): {
  atLeast: number | null;
  exact: boolean;
} {
  let atLeast: number | null = null;
  let exact = true;
  if (source.destinations.some((d) => d.retentionAtLeast)) exact = false;
  for (const value of [source.nativeRetentionDays, ...source.destinations.map((d) => d.retentionDays)]) {
    if (value === 'unknown') exact = false;
    else if (atLeast === null || value > atLeast) atLeast = value;
  }
  return { atLeast, exact };
}
