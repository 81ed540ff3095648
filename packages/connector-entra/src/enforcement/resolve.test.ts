import type { EnforcementReason, Tri } from '@evident/core';
import { describe, expect, it } from 'vitest';
import { PHISHING_RESISTANT_STRENGTH } from './grant.ts';
import { type CaPolicy, caPolicy } from './policy.ts';
import { type Principal, resolveEnforcement } from './resolve.ts';

const GA = '62e90394-69f5-4237-9190-012177145e10';
const SEC = '194ae4cb-b126-40b2-bd5b-6091b380977d';

type Users = Partial<
  Record<
    'includeUsers' | 'excludeUsers' | 'includeGroups' | 'excludeGroups' | 'includeRoles' | 'excludeRoles',
    string[]
  >
>;

function policy(
  name: string,
  over: {
    state?: string;
    users?: Users & { includeGuestsOrExternalUsers?: unknown };
    apps?: string[];
    excludeApps?: string[];
    clients?: string[];
    grant?: string[];
    operator?: 'AND' | 'OR';
    strength?: string;
    locations?: { includeLocations: string[]; excludeLocations: string[] };
    platforms?: { includePlatforms: string[]; excludePlatforms: string[] };
    signInRisk?: string[];
    deviceFilter?: unknown;
  },
): CaPolicy {
  return caPolicy.parse({
    id: `id-${name}`,
    displayName: name,
    state: over.state ?? 'enabled',
    conditions: {
      users: { includeUsers: ['All'], ...over.users },
      applications: { includeApplications: over.apps ?? ['All'], excludeApplications: over.excludeApps ?? [] },
      clientAppTypes: over.clients ?? ['all'],
      locations: over.locations ?? null,
      platforms: over.platforms ?? null,
      signInRiskLevels: over.signInRisk ?? [],
      userRiskLevels: [],
      devices: over.deviceFilter ? { deviceFilter: over.deviceFilter } : null,
    },
    grantControls: {
      operator: over.operator ?? 'OR',
      builtInControls: over.grant ?? (over.strength ? [] : ['mfa']),
      authenticationStrength: over.strength ? { id: over.strength, displayName: 's', allowedCombinations: [] } : null,
    },
  });
}

function user(
  over: Partial<Omit<Principal, 'groups' | 'roles'>> & { groups?: string[]; roles?: string[]; guest?: boolean } = {},
): Principal {
  return {
    id: over.id ?? 'u1',
    guestType: over.guestType ?? (over.guest ? 'b2bCollaborationGuest' : null),
    groups: new Set(over.groups ?? []),
    roles: new Set(over.roles ?? []),
    mfaRegistered: over.mfaRegistered ?? (true as Tri),
  };
}

const allUsersMfa = policy('All users MFA', { users: { excludeGroups: ['g-breakglass'] } });

interface Case {
  name: string;
  principal: Principal;
  policies: CaPolicy[] | undefined;
  securityDefaults?: Tri;
  reason: EnforcementReason;
  enforced: Tri;
  phishingResistant?: Tri;
  detail?: RegExp;
}

const cases: Case[] = [
  {
    name: 'all users, all apps, MFA grant',
    principal: user(),
    policies: [allUsersMfa],
    reason: 'enforced_policy',
    enforced: true,
    detail: /All users MFA/,
  },
  {
    name: 'report-only policy enforces nothing',
    principal: user(),
    policies: [policy('Trap', { state: 'enabledForReportingButNotEnforced' })],
    reason: 'registered_not_enforced',
    enforced: false,
    detail: /report-only/,
  },
  {
    name: 'report-only, not registered',
    principal: user({ mfaRegistered: false }),
    policies: [policy('Trap', { state: 'enabledForReportingButNotEnforced' })],
    reason: 'not_registered',
    enforced: false,
  },
  {
    name: 'disabled policy enforces nothing',
    principal: user(),
    policies: [policy('Off', { state: 'disabled' })],
    reason: 'registered_not_enforced',
    enforced: false,
  },
  {
    name: 'no policies at all',
    principal: user({ mfaRegistered: false }),
    policies: [],
    reason: 'not_registered',
    enforced: false,
  },
  {
    name: 'excluded directly',
    principal: user({ id: 'bg1' }),
    policies: [policy('All users MFA', { users: { excludeUsers: ['bg1'] } })],
    reason: 'excluded',
    enforced: false,
    detail: /All users MFA/,
  },
  {
    name: 'excluded through a nested group',
    principal: user({ groups: ['g-breakglass', 'g-parent'] }),
    policies: [allUsersMfa],
    reason: 'excluded',
    enforced: false,
  },
  {
    name: 'excluded by role',
    principal: user({ roles: [GA] }),
    policies: [policy('P', { users: { excludeRoles: [GA] } })],
    reason: 'excluded',
    enforced: false,
  },
  {
    name: 'exclusion wins over inclusion by role',
    principal: user({ roles: [GA], groups: ['g-x'] }),
    policies: [policy('Admins', { users: { includeUsers: [], includeRoles: [GA], excludeGroups: ['g-x'] } })],
    reason: 'excluded',
    enforced: false,
  },
  {
    name: 'included by role',
    principal: user({ roles: [SEC] }),
    policies: [policy('Admins', { users: { includeUsers: [], includeRoles: [GA, SEC] } })],
    reason: 'enforced_policy',
    enforced: true,
  },
  {
    name: 'admins-only policy does not reach a plain user',
    principal: user(),
    policies: [policy('Admins', { users: { includeUsers: [], includeRoles: [GA] } })],
    reason: 'registered_not_enforced',
    enforced: false,
  },
  {
    name: 'included through a nested group',
    principal: user({ groups: ['g-eng', 'g-all-staff'] }),
    policies: [policy('Staff', { users: { includeUsers: [], includeGroups: ['g-all-staff'] } })],
    reason: 'enforced_policy',
    enforced: true,
  },
  {
    name: 'included by user id',
    principal: user({ id: 'u7' }),
    policies: [policy('One', { users: { includeUsers: ['u7'] } })],
    reason: 'enforced_policy',
    enforced: true,
  },
  {
    name: 'guest reached by GuestsOrExternalUsers',
    principal: user({ guest: true }),
    policies: [policy('Guests', { users: { includeUsers: ['GuestsOrExternalUsers'] } })],
    reason: 'enforced_policy',
    enforced: true,
  },
  {
    name: 'guest reached by includeGuestsOrExternalUsers',
    principal: user({ guest: true }),
    policies: [
      policy('Guests', {
        users: {
          includeUsers: [],
          includeGuestsOrExternalUsers: { guestOrExternalUserTypes: 'b2bCollaborationGuest' },
        },
      }),
    ],
    reason: 'enforced_policy',
    enforced: true,
  },
  {
    name: 'guest policy does not reach a member',
    principal: user(),
    policies: [policy('Guests', { users: { includeUsers: ['GuestsOrExternalUsers'] } })],
    reason: 'registered_not_enforced',
    enforced: false,
  },
  {
    name: 'guests excluded from the all-users policy',
    principal: user({ guest: true }),
    policies: [policy('All', { users: { excludeUsers: ['GuestsOrExternalUsers'] } })],
    reason: 'excluded',
    enforced: false,
  },
  {
    name: 'specific apps only',
    principal: user(),
    policies: [policy('Apps', { apps: ['00000002-0000-0ff1-ce00-000000000000'] })],
    reason: 'conditional',
    enforced: false,
    detail: /some applications/,
  },
  {
    name: 'all apps with an excluded app',
    principal: user(),
    policies: [policy('Apps', { excludeApps: ['app-1'] })],
    reason: 'conditional',
    enforced: false,
    detail: /excluded/,
  },
  {
    name: 'trusted-location condition',
    principal: user(),
    policies: [policy('Off-network', { locations: { includeLocations: ['All'], excludeLocations: ['AllTrusted'] } })],
    reason: 'conditional',
    enforced: false,
    detail: /trusted locations/,
  },
  {
    name: 'some platforms only',
    principal: user(),
    policies: [policy('Mobile', { platforms: { includePlatforms: ['android', 'iOS'], excludePlatforms: [] } })],
    reason: 'conditional',
    enforced: false,
    detail: /platforms/,
  },
  {
    name: 'sign-in risk only',
    principal: user(),
    policies: [policy('Risky', { signInRisk: ['high'] })],
    reason: 'conditional',
    enforced: false,
    detail: /risk/,
  },
  {
    name: 'device filter',
    principal: user(),
    policies: [policy('Filter', { deviceFilter: { mode: 'exclude', rule: 'device.isCompliant -eq True' } })],
    reason: 'conditional',
    enforced: false,
  },
  {
    name: 'OR-grant satisfied by a compliant device',
    principal: user(),
    policies: [policy('Either', { grant: ['mfa', 'compliantDevice'], operator: 'OR' })],
    reason: 'conditional',
    enforced: false,
    detail: /compliantDevice/,
  },
  {
    name: 'AND-grant with a compliant device still requires MFA',
    principal: user(),
    policies: [policy('Both', { grant: ['mfa', 'compliantDevice'], operator: 'AND' })],
    reason: 'enforced_policy',
    enforced: true,
  },
  {
    name: 'block grant is not MFA',
    principal: user(),
    policies: [policy('Block', { grant: ['block'] })],
    reason: 'registered_not_enforced',
    enforced: false,
  },
  {
    name: 'legacy clients only is not enforcement',
    principal: user(),
    policies: [policy('Legacy', { clients: ['exchangeActiveSync', 'other'] })],
    reason: 'conditional',
    enforced: false,
    detail: /client apps/,
  },
  {
    name: 'browser + desktop clients covers modern sign-ins',
    principal: user(),
    policies: [policy('Modern', { clients: ['browser', 'mobileAppsAndDesktopClients'] })],
    reason: 'enforced_policy',
    enforced: true,
  },
  {
    name: 'browser only leaves desktop clients open',
    principal: user(),
    policies: [policy('Browser', { clients: ['browser'] })],
    reason: 'conditional',
    enforced: false,
  },
  {
    name: 'MFA authentication strength counts as MFA',
    principal: user(),
    policies: [policy('Strength', { strength: '00000000-0000-0000-0000-000000000002' })],
    reason: 'enforced_policy',
    enforced: true,
    phishingResistant: false,
  },
  {
    name: 'phishing-resistant strength for admins',
    principal: user({ roles: [GA] }),
    policies: [
      allUsersMfa,
      policy('PR admins', { users: { includeUsers: [], includeRoles: [GA] }, strength: PHISHING_RESISTANT_STRENGTH }),
    ],
    reason: 'enforced_policy',
    enforced: true,
    phishingResistant: true,
  },
  {
    name: 'security defaults on, even with CA present, for an administrator',
    principal: user({ mfaRegistered: false, roles: [GA] }),
    policies: [policy('Trap', { state: 'enabledForReportingButNotEnforced' })],
    securityDefaults: true,
    reason: 'enforced_security_defaults',
    enforced: true,
  },
  {
    name: 'policies unreadable and no security defaults',
    principal: user(),
    policies: undefined,
    securityDefaults: false,
    reason: 'unknown',
    enforced: 'unknown',
  },
  {
    name: 'security defaults unreadable and no policy enforces',
    principal: user(),
    policies: [],
    securityDefaults: 'unknown',
    reason: 'unknown',
    enforced: 'unknown',
  },
  {
    name: 'registration unknown and nothing enforces',
    principal: user({ mfaRegistered: 'unknown' }),
    policies: [],
    reason: 'unknown',
    enforced: false,
  },
  {
    name: 'conditional beats excluded when both apply',
    principal: user({ id: 'x' }),
    policies: [policy('All', { users: { excludeUsers: ['x'] } }), policy('Apps', { apps: ['app'] })],
    reason: 'conditional',
    enforced: false,
  },
  {
    name: 'one enforcing policy is enough despite an exclusion elsewhere',
    principal: user({ id: 'x', roles: [GA] }),
    policies: [
      policy('All', { users: { excludeUsers: ['x'] } }),
      policy('Admins', { users: { includeUsers: [], includeRoles: [GA] } }),
    ],
    reason: 'enforced_policy',
    enforced: true,
  },
];

describe('resolveEnforcement', () => {
  it('has at least 25 cases', () => expect(cases.length).toBeGreaterThanOrEqual(25));

  it.each(cases)('$name', (c) => {
    const got = resolveEnforcement(c.principal, {
      securityDefaults: c.securityDefaults ?? false,
      policies: c.policies,
    });
    expect(got.reason).toBe(c.reason);
    expect(got.mfaEnforced).toBe(c.enforced);
    if (c.phishingResistant !== undefined) expect(got.phishingResistantEnforced).toBe(c.phishingResistant);
    if (c.detail) expect(got.detail).toMatch(c.detail);
  });
});
