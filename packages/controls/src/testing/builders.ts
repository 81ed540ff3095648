import {
  type AuthPolicyFact,
  authPolicyFact,
  type Exception,
  exception as exceptionSchema,
  type Fact,
  type GapFact,
  gapFact,
  type IdentityFact,
  identityFact,
  type LogSourceFact,
  logSourceFact,
  type SettingFact,
  settingFact,
} from '@evident/core';
import type { z } from 'zod';

/** Small, valid facts for tests: a compliant default that each test bends where it matters. */
export const NOW = new Date('2026-11-02T00:00:00Z');
export const OBSERVED = '2026-11-01T12:00:00Z';
export const ENTRA = 'entra-contoso';
export const GITHUB = 'github-acme';
export const GCP = 'gcp-prod';

const entra = { connection: ENTRA, provider: 'entra', observedAt: OBSERVED } as const;

type Over<S extends z.ZodType> = Partial<z.input<S>>;

export function daysBefore(days: number, from: Date = NOW): string {
  return new Date(from.getTime() - days * 86_400_000).toISOString();
}

export function hoursBefore(hours: number, from: string = OBSERVED): string {
  return new Date(Date.parse(from) - hours * 3_600_000).toISOString();
}

export function identity(subject: string, over: Over<typeof identityFact> = {}): IdentityFact {
  return identityFact.parse({
    type: 'identity',
    ...entra,
    source: 'GET /reports/authenticationMethods/userRegistrationDetails',
    subject,
    name: `${subject}@contoso.example`,
    kind: 'human',
    enabled: true,
    mspPrincipal: false,
    privileged: false,
    mfaRegistered: true,
    phishingResistantRegistered: false,
    mfaEnforced: true,
    enforcementSource: 'policy',
    enforcementReason: 'enforced_policy',
    ...over,
  });
}

/** An identity that is registered for MFA but not forced through it. */
export function unenforced(subject: string, over: Over<typeof identityFact> = {}): IdentityFact {
  return identity(subject, {
    mfaEnforced: false,
    enforcementSource: 'none',
    enforcementReason: 'registered_not_enforced',
    ...over,
  });
}

export function admin(subject: string, over: Over<typeof identityFact> = {}): IdentityFact {
  return identity(subject, { privileged: true, roles: ['globalAdministrator'], ...over });
}

export function breakGlass(subject: string, over: Over<typeof identityFact> = {}): IdentityFact {
  return admin(subject, {
    kind: 'break_glass',
    phishingResistantRegistered: true,
    mfaEnforced: false,
    enforcementSource: 'none',
    enforcementReason: 'excluded',
    ...over,
  });
}

export function policy(subject: string, over: Over<typeof authPolicyFact> = {}): AuthPolicyFact {
  return authPolicyFact.parse({
    type: 'authPolicy',
    ...entra,
    source: 'GET /identity/conditionalAccess/policies',
    subject,
    name: subject,
    state: 'on',
    allUsers: true,
    allApps: true,
    includesGuests: true,
    grant: 'mfa',
    ...over,
  });
}

export function legacyBlock(subject: string, over: Over<typeof authPolicyFact> = {}): AuthPolicyFact {
  return policy(subject, { grant: 'block', clientAppTypes: ['exchangeActiveSync', 'other'], ...over });
}

export function setting(key: string, value: SettingFact['value'], over: Over<typeof settingFact> = {}): SettingFact {
  return settingFact.parse({
    type: 'setting',
    ...entra,
    source: 'GET /policies',
    subject: key,
    scope: 'contoso.example',
    value,
    ...over,
  });
}

/** An important log kept 400 days natively and exported, locked, outside the admin boundary, delivering now. */
export function logSource(subject: string, over: Over<typeof logSourceFact> = {}): LogSourceFact {
  return logSourceFact.parse({
    type: 'logSource',
    connection: GCP,
    provider: 'gcp-logging',
    source: 'ListBuckets',
    observedAt: OBSERVED,
    subject,
    scope: 'projects/prod',
    category: 'admin_audit',
    important: true,
    enabled: true,
    nativeRetentionDays: 400,
    locked: true,
    destinations: [
      {
        kind: 'log_bucket',
        name: 'central',
        boundary: 'separate',
        retentionDays: 400,
        locked: true,
        lastDeliveredAt: hoursBefore(1),
      },
    ],
    lastEventAt: hoursBefore(1),
    ...over,
  });
}

export function gap(covers: string[], over: Over<typeof gapFact> = {}): GapFact {
  return gapFact.parse({
    type: 'gap',
    ...entra,
    source: 'GET /identity/conditionalAccess/policies',
    code: 'permission_missing',
    covers,
    message: 'Policy.Read.All was not granted',
    remedy: 'grant Policy.Read.All to the app registration',
    ...over,
  });
}

export function exception(controlId: string, subject: string, over: Partial<Exception> = {}): Exception {
  return exceptionSchema.parse({
    id: `exc-${subject}`,
    controlId,
    subject,
    reason: 'accepted until the migration finishes',
    approver: 'ciso@contoso.example',
    expiresAt: daysBefore(-30),
    ...over,
  });
}

export function at(observedAt: string, facts: Fact[]): Fact[] {
  return facts.map((f) => ({ ...f, observedAt }));
}

export function on(connection: string, facts: Fact[]): Fact[] {
  return facts.map((f) => ({ ...f, connection }));
}
