import type { EnforcementReason, Tri } from '@evident/core';
import { describe, expect, it } from 'vitest';
import { isMultiFactorCombination, strengthShortfall } from './grant.ts';
import { type CaPolicy, caPolicy } from './policy.ts';
import { type PerUserMfa, type Principal, resolveEnforcement } from './resolve.ts';

const GA = '62e90394-69f5-4237-9190-012177145e10';
const INTUNE = '3a2c62db-5318-420d-8d74-23affee5d9d5';

/** An enabled all-users, all-apps MFA policy, with one part of its raw Graph shape replaced. */
function policy(over: { conditions?: Record<string, unknown>; users?: Record<string, unknown>; grant?: object }) {
  return caPolicy.parse({
    id: 'p1',
    displayName: 'Require MFA',
    state: 'enabled',
    conditions: {
      users: { includeUsers: ['All'], excludeUsers: [], ...over.users },
      applications: { includeApplications: ['All'], excludeApplications: [] },
      clientAppTypes: ['all'],
      ...over.conditions,
    },
    grantControls: over.grant ?? { operator: 'OR', builtInControls: ['mfa'] },
  });
}

const member: Principal = { id: 'u1', guestType: null, groups: new Set(), roles: new Set(), mfaRegistered: true };
const as = (over: Partial<Principal>): Principal => ({ ...member, ...over });

interface Case {
  name: string;
  policy: CaPolicy;
  principal?: Principal;
  securityDefaults?: Tri;
  custom?: string[];
  perUser?: PerUserMfa;
  reason: EnforcementReason;
  enforced: Tri;
  detail?: RegExp;
}

const table: Record<string, Case[]> = {
  'condition set': [
    { name: 'nothing narrows', policy: policy({}), reason: 'enforced_policy', enforced: true },
    {
      name: 'device-code flow only',
      policy: policy({ conditions: { authenticationFlows: { transferMethods: 'deviceCodeFlow' } } }),
      reason: 'conditional',
      enforced: false,
      detail: /deviceCodeFlow/,
    },
    {
      name: 'authentication transfer only',
      policy: policy({ conditions: { authenticationFlows: { transferMethods: 'authenticationTransfer' } } }),
      reason: 'conditional',
      enforced: false,
      detail: /authenticationTransfer/,
    },
    {
      name: 'authentication flows of none narrow nothing',
      policy: policy({ conditions: { authenticationFlows: { transferMethods: 'none' } } }),
      reason: 'enforced_policy',
      enforced: true,
    },
    {
      name: 'insider risk',
      policy: policy({ conditions: { insiderRiskLevels: 'elevated' } }),
      reason: 'conditional',
      enforced: false,
      detail: /insider risk elevated/,
    },
    {
      name: 'workload identities',
      policy: policy({
        conditions: { clientApplications: { includeServicePrincipals: ['ServicePrincipalsInMyTenant'] } },
      }),
      reason: 'conditional',
      enforced: false,
      detail: /workload identities/,
    },
    {
      name: 'service-principal risk',
      policy: policy({ conditions: { servicePrincipalRiskLevels: ['high'] } }),
      reason: 'conditional',
      enforced: false,
      detail: /service-principal risk/,
    },
    {
      name: 'device filter',
      policy: policy({
        conditions: { devices: { deviceFilter: { mode: 'exclude', rule: 'device.isCompliant -eq True' } } },
      }),
      reason: 'conditional',
      enforced: false,
      detail: /device filter \(exclude/,
    },
    {
      name: 'user risk',
      policy: policy({ conditions: { userRiskLevels: ['high'] } }),
      reason: 'conditional',
      enforced: false,
    },
    {
      name: 'an unrecognised condition',
      policy: policy({ conditions: { someFutureCondition: { level: 'x' } } }),
      reason: 'conditional',
      enforced: false,
      detail: /unrecognised condition 'someFutureCondition'/,
    },
    {
      name: 'an unrecognised device property',
      policy: policy({ conditions: { devices: { includeDeviceStates: ['All'] } } }),
      reason: 'conditional',
      enforced: false,
      detail: /'devices.includeDeviceStates'/,
    },
  ],
  applications: [
    {
      name: 'application filter',
      policy: policy({
        conditions: {
          applications: {
            includeApplications: ['All'],
            applicationFilter: { mode: 'exclude', rule: 'CustomSecurityAttribute.x -eq "y"' },
          },
        },
      }),
      reason: 'conditional',
      enforced: false,
      detail: /application filter/,
    },
    {
      name: 'authentication context only',
      policy: policy({
        conditions: { applications: { includeApplications: [], includeAuthenticationContextClassReferences: ['c1'] } },
      }),
      reason: 'conditional',
      enforced: false,
      detail: /authentication contexts c1/,
    },
    {
      name: 'user action only',
      policy: policy({
        conditions: {
          applications: { includeApplications: [], includeUserActions: ['urn:user:registersecurityinfo'] },
        },
      }),
      reason: 'conditional',
      enforced: false,
      detail: /user actions/,
    },
    {
      name: 'an unrecognised application property',
      policy: policy({ conditions: { applications: { includeApplications: ['All'], globalSecureAccess: { x: 1 } } } }),
      reason: 'conditional',
      enforced: false,
      detail: /'applications.globalSecureAccess'/,
    },
  ],
  users: [
    {
      name: 'an unrecognised user property',
      policy: policy({ users: { includeAgents: ['All'] } }),
      reason: 'conditional',
      enforced: false,
      detail: /'users.includeAgents'/,
    },
  ],
  guests: [
    {
      name: 'serviceProvider named: a GDAP technician is reached',
      policy: policy({
        users: {
          includeUsers: [],
          includeGuestsOrExternalUsers: {
            guestOrExternalUserTypes: 'serviceProvider',
            externalTenants: {
              '@odata.type': '#microsoft.graph.conditionalAccessAllExternalTenants',
              membershipKind: 'all',
            },
          },
        },
      }),
      principal: as({ guestType: 'serviceProvider' }),
      reason: 'enforced_policy',
      enforced: true,
    },
    {
      name: 'serviceProvider named: a B2B guest is not reached',
      policy: policy({
        users: { includeUsers: [], includeGuestsOrExternalUsers: { guestOrExternalUserTypes: 'serviceProvider' } },
      }),
      principal: as({ guestType: 'b2bCollaborationGuest' }),
      reason: 'registered_not_enforced',
      enforced: false,
    },
    {
      name: 'several types, the guest among them',
      policy: policy({
        users: {
          includeUsers: [],
          includeGuestsOrExternalUsers: { guestOrExternalUserTypes: 'internalGuest,b2bCollaborationGuest' },
        },
      }),
      principal: as({ guestType: 'b2bCollaborationGuest' }),
      reason: 'enforced_policy',
      enforced: true,
    },
    {
      name: 'a guest of unknown type is not counted as reached',
      policy: policy({
        users: {
          includeUsers: [],
          includeGuestsOrExternalUsers: { guestOrExternalUserTypes: 'b2bCollaborationGuest' },
        },
      }),
      principal: as({ guestType: 'unknown' }),
      reason: 'unknown',
      enforced: 'unknown',
      detail: /kind of guest/,
    },
    {
      name: 'listed external tenants with an unknown home tenant',
      policy: policy({
        users: {
          includeUsers: [],
          includeGuestsOrExternalUsers: {
            guestOrExternalUserTypes: 'b2bCollaborationGuest',
            externalTenants: { membershipKind: 'enumerated', members: ['t-msp'] },
          },
        },
      }),
      principal: as({ guestType: 'b2bCollaborationGuest' }),
      reason: 'unknown',
      enforced: 'unknown',
      detail: /t-msp/,
    },
    {
      name: 'listed external tenants with a known home tenant',
      policy: policy({
        users: {
          includeUsers: [],
          includeGuestsOrExternalUsers: {
            guestOrExternalUserTypes: 'serviceProvider',
            externalTenants: { membershipKind: 'enumerated', members: ['t-msp'] },
          },
        },
      }),
      principal: as({ guestType: 'serviceProvider', homeTenant: 't-msp' }),
      reason: 'enforced_policy',
      enforced: true,
    },
    {
      name: 'only some guest types excluded: others stay covered',
      policy: policy({ users: { excludeGuestsOrExternalUsers: { guestOrExternalUserTypes: 'internalGuest' } } }),
      principal: as({ guestType: 'b2bCollaborationMember' }),
      reason: 'enforced_policy',
      enforced: true,
    },
    {
      name: 'an exclusion whose reach cannot be told leaves it unknown',
      policy: policy({
        users: { excludeGuestsOrExternalUsers: { guestOrExternalUserTypes: 'b2bCollaborationGuest' } },
      }),
      principal: as({ guestType: 'unknown' }),
      reason: 'unknown',
      enforced: 'unknown',
    },
  ],
  grant: [
    {
      name: 'unknown operator lets any option through',
      policy: policy({ grant: { operator: 'XOR', builtInControls: ['mfa', 'compliantDevice'] } }),
      reason: 'conditional',
      enforced: false,
      detail: /MFA or compliantDevice/,
    },
    {
      name: 'MFA or terms of use',
      policy: policy({ grant: { operator: 'OR', builtInControls: ['mfa'], termsOfUse: ['tou1'] } }),
      reason: 'conditional',
      enforced: false,
      detail: /terms of use/,
    },
    {
      name: 'MFA and terms of use',
      policy: policy({ grant: { operator: 'AND', builtInControls: ['mfa'], termsOfUse: ['tou1'] } }),
      reason: 'enforced_policy',
      enforced: true,
    },
    {
      name: 'an undeclared custom control enforces nothing',
      policy: policy({ grant: { operator: 'OR', builtInControls: [], customAuthenticationFactors: ['duo'] } }),
      reason: 'conditional',
      enforced: false,
      detail: /custom control 'duo' is not declared/,
    },
    {
      name: 'a declared custom control is MFA',
      policy: policy({ grant: { operator: 'OR', builtInControls: [], customAuthenticationFactors: ['duo'] } }),
      custom: ['duo'],
      reason: 'enforced_policy',
      enforced: true,
    },
    {
      name: 'an unrecognised grant property is an alternative',
      policy: policy({ grant: { operator: 'OR', builtInControls: ['mfa'], futureGrant: ['x'] } }),
      reason: 'conditional',
      enforced: false,
      detail: /futureGrant/,
    },
  ],
  strengths: [
    {
      name: 'built-in multifactor strength',
      policy: policy({
        grant: { operator: 'OR', authenticationStrength: { id: '00000000-0000-0000-0000-000000000002' } },
      }),
      reason: 'enforced_policy',
      enforced: true,
    },
    {
      name: 'custom strength allowing a password alone',
      policy: policy({
        grant: {
          operator: 'OR',
          authenticationStrength: {
            id: 'custom-1',
            displayName: 'Anything',
            requirementsSatisfied: 'mfa',
            allowedCombinations: ['password,microsoftAuthenticatorPush', 'password'],
          },
        },
      }),
      reason: 'conditional',
      enforced: false,
      detail: /single factor \(password\)/,
    },
    {
      name: 'custom strength allowing SMS sign-in alone',
      policy: policy({
        grant: {
          operator: 'OR',
          authenticationStrength: { id: 'c2', requirementsSatisfied: 'mfa', allowedCombinations: ['sms'] },
        },
      }),
      reason: 'conditional',
      enforced: false,
    },
    {
      name: 'custom strength that satisfies only a single factor',
      policy: policy({
        grant: {
          operator: 'OR',
          authenticationStrength: { id: 'c3', requirementsSatisfied: 'none', allowedCombinations: ['fido2'] },
        },
      }),
      reason: 'conditional',
      enforced: false,
    },
    {
      name: 'custom multi-factor strength',
      policy: policy({
        grant: {
          operator: 'OR',
          authenticationStrength: {
            id: 'c4',
            requirementsSatisfied: 'mfa',
            allowedCombinations: ['password,softwareOath', 'fido2', 'windowsHelloForBusiness'],
          },
        },
      }),
      reason: 'enforced_policy',
      enforced: true,
    },
  ],
  'security defaults': [
    {
      name: 'a documented administrator is challenged on every sign-in',
      policy: policy({ conditions: { users: null } }),
      principal: as({ roles: new Set([GA]) }),
      securityDefaults: true,
      reason: 'enforced_security_defaults',
      enforced: true,
    },
    {
      name: 'a user is challenged only when necessary',
      policy: policy({ conditions: { users: null } }),
      securityDefaults: true,
      reason: 'security_defaults_risk_based',
      enforced: false,
      detail: /14-day/,
    },
    {
      name: 'a privileged role outside the documented list is not covered',
      policy: policy({ conditions: { users: null } }),
      principal: as({ roles: new Set([INTUNE]) }),
      securityDefaults: true,
      reason: 'security_defaults_risk_based',
      enforced: false,
    },
  ],
  'per-user MFA': [
    {
      name: 'enforced per-user MFA where no policy reaches',
      policy: policy({ users: { includeUsers: ['someone-else'] } }),
      perUser: 'enforced',
      reason: 'enforced_per_user',
      enforced: true,
    },
    {
      name: 'enabled per-user MFA is not yet enforced',
      policy: policy({ users: { includeUsers: ['someone-else'] } }),
      perUser: 'enabled',
      reason: 'conditional',
      enforced: false,
      detail: /per-user MFA is enabled/,
    },
    {
      name: 'a policy that enforces wins over per-user state',
      policy: policy({}),
      perUser: 'disabled',
      reason: 'enforced_policy',
      enforced: true,
    },
  ],
};

describe.each(Object.entries(table))('condition class: %s', (_, cases) => {
  it.each(cases)('$name', (c) => {
    const got = resolveEnforcement(
      c.principal ?? member,
      {
        securityDefaults: c.securityDefaults ?? false,
        policies: [c.policy],
        mfaCustomControls: new Set(c.custom ?? []),
      },
      c.perUser,
    );
    expect(got.reason).toBe(c.reason);
    expect(got.mfaEnforced).toBe(c.enforced);
    if (c.detail) expect(got.detail).toMatch(c.detail);
  });
});

describe('authentication strength combinations', () => {
  it.each([
    ['password', false],
    ['sms', false],
    ['email', false],
    ['password,email', false],
    ['federatedSingleFactor', false],
    ['qrCodePin', false],
    ['password,sms', true],
    ['password,microsoftAuthenticatorPush', true],
    ['federatedSingleFactor,softwareOath', true],
    ['fido2', true],
    ['windowsHelloForBusiness', true],
    ['x509CertificateMultiFactor', true],
    ['deviceBasedPush', true],
    ['federatedMultiFactor', true],
    ['someFutureMode', false],
  ] as const)('%s multi-factor: %s', (combination, mfa) => {
    expect(isMultiFactorCombination(combination)).toBe(mfa);
  });

  it('a strength without combinations is not MFA', () => {
    expect(strengthShortfall({ id: 'x', allowedCombinations: [] })).toMatch(/no allowed combinations/);
  });
});
