import type { EntraWorld } from '../../scenario/schema.ts';
import { type Endpoint, identityCost, metadata } from '../endpoint.ts';
import { needs } from '../permissions.ts';
import { rejectExpand, rejectFilter } from '../query.ts';

/** `GET /policies/identitySecurityDefaultsEnforcementPolicy`: no licence needed. */
export const getSecurityDefaults: Endpoint = {
  api: 'graph',
  path: '/v1.0/policies/identitySecurityDefaultsEnforcementPolicy',
  family: 'identity',
  cost: identityCost(1),
  permissions: needs.policy,
  handle({ tenant, origin, query }) {
    rejectFilter(query);
    return {
      '@odata.context': metadata(origin, 'policies/identitySecurityDefaultsEnforcementPolicy/$entity'),
      id: '00000000-0000-0000-0000-000000000005',
      displayName: 'Security Defaults',
      description:
        'Security defaults is a set of basic identity security mechanisms recommended by Microsoft. When enabled, these recommendations will be automatically enforced in your organization. Administrators and users will be better protected from common identity related attacks.',
      isEnabled: tenant.world.securityDefaults,
    };
  },
};

const allUsers = (extra: object = {}) => [
  Object.assign({ targetType: 'group', id: 'all_users', isRegistrationRequired: false }, extra),
];
const state = (on: boolean) => (on ? 'enabled' : 'disabled');

function configurations(world: EntraWorld) {
  const type = (name: string) => `#microsoft.graph.${name}AuthenticationMethodConfiguration`;
  return [
    {
      '@odata.type': type('fido2'),
      id: 'Fido2',
      state: 'enabled',
      isSelfServiceRegistrationAllowed: true,
      isAttestationEnforced: false,
      keyRestrictions: { isEnforced: false, enforcementType: 'block', aaGuids: [] },
      includeTargets: allUsers(),
      excludeTargets: [],
    },
    {
      '@odata.type': type('microsoftAuthenticator'),
      id: 'MicrosoftAuthenticator',
      state: 'enabled',
      isSoftwareOathEnabled: false,
      includeTargets: allUsers({ authenticationMode: 'any' }),
      excludeTargets: [],
    },
    {
      '@odata.type': type('sms'),
      id: 'Sms',
      state: state(world.weakMethodsEnabled.sms),
      includeTargets: allUsers({ isUsableForSignIn: false }),
      excludeTargets: [],
    },
    {
      '@odata.type': type('voice'),
      id: 'Voice',
      state: state(world.weakMethodsEnabled.voice),
      isOfficePhoneAllowed: false,
      includeTargets: allUsers(),
      excludeTargets: [],
    },
    {
      '@odata.type': type('email'),
      id: 'Email',
      state: state(world.weakMethodsEnabled.email),
      allowExternalIdToUseEmailOtp: 'default',
      includeTargets: allUsers(),
      excludeTargets: [],
    },
    {
      '@odata.type': type('softwareOath'),
      id: 'SoftwareOath',
      state: 'enabled',
      includeTargets: allUsers(),
      excludeTargets: [],
    },
    {
      '@odata.type': type('temporaryAccessPass'),
      id: 'TemporaryAccessPass',
      state: 'disabled',
      defaultLifetimeInMinutes: 60,
      defaultLength: 8,
      minimumLifetimeInMinutes: 60,
      maximumLifetimeInMinutes: 480,
      isUsableOnce: false,
      includeTargets: allUsers(),
      excludeTargets: [],
    },
  ];
}

/** `GET /policies/authenticationMethodsPolicy`, with its method configurations expanded as the service does. */
export const getAuthenticationMethodsPolicy: Endpoint = {
  api: 'graph',
  path: '/v1.0/policies/authenticationMethodsPolicy',
  family: 'identity',
  cost: identityCost(1),
  permissions: needs.authenticationMethodsPolicy,
  handle({ tenant, origin, query }) {
    rejectFilter(query);
    rejectExpand(query, 'authenticationMethodConfigurations');
    const modified = new Date(tenant.directory.now.getTime() - 45 * 86_400_000).toISOString();
    return {
      '@odata.context': metadata(origin, 'policies/authenticationMethodsPolicy/$entity'),
      id: 'authenticationMethodsPolicy',
      displayName: 'Authentication Methods Policy',
      description:
        'The tenant-wide policy that controls which authentication methods are allowed in the tenant, authentication method registration requirements, and self-service password reset settings',
      lastModifiedDateTime: modified,
      policyVersion: '1.5',
      policyMigrationState: tenant.world.methodsPolicyMigration,
      registrationEnforcement: {
        authenticationMethodsRegistrationCampaign: {
          snoozeDurationInDays: 1,
          enforceRegistrationAfterAllowedSnoozes: true,
          state: 'default',
          excludeTargets: [],
          includeTargets: [
            { id: 'all_users', targetType: 'group', targetedAuthenticationMethod: 'microsoftAuthenticator' },
          ],
        },
      },
      'authenticationMethodConfigurations@odata.context': metadata(
        origin,
        'policies/authenticationMethodsPolicy/authenticationMethodConfigurations',
      ),
      authenticationMethodConfigurations: configurations(tenant.world),
    };
  },
};
