import { guid, unit } from '../../rng.ts';
import type { CaPreset, EntraWorld } from '../../scenario/schema.ts';
import { type ConditionalAccessPolicy, PHISHING_RESISTANT_STRENGTH, WEAK_CUSTOM_STRENGTH } from './ca-policy.ts';
import type { DirectoryGroup } from './groups.ts';
import { ADMIN_ROLE_TEMPLATE_IDS } from './roles.ts';

type Conditions = ConditionalAccessPolicy['conditions'];

interface Scope {
  include: Partial<
    Pick<Conditions['users'], 'includeUsers' | 'includeGroups' | 'includeRoles' | 'includeGuestsOrExternalUsers'>
  >;
  /** How the break-glass accounts are excluded: through their group, one by one, or not at all. */
  breakGlass: 'group' | 'users' | 'none';
  excludeGroups?: string[];
}

interface Spec {
  name: string;
  state?: ConditionalAccessPolicy['state'];
  scope: Scope;
  clientAppTypes?: string[];
  grant: string[] | 'phishingResistant' | 'weakStrength' | 'customControl';
  operator?: 'AND' | 'OR';
  locations?: Conditions['locations'];
  narrow?: Partial<Pick<Conditions, 'authenticationFlows' | 'insiderRiskLevels' | 'clientApplications'>>;
}

const allUsers = { includeUsers: ['All'] };
const admins = { includeRoles: [...ADMIN_ROLE_TEMPLATE_IDS] };

function presetSpecs(preset: CaPreset, group: (key: string) => string | undefined): Spec[] {
  switch (preset) {
    case 'all_users_mfa_break_glass':
      return [{ name: 'Require MFA for all users', scope: { include: allUsers, breakGlass: 'group' }, grant: ['mfa'] }];
    case 'report_only_trap':
      return [
        {
          name: 'Require MFA for all users (report-only)',
          state: 'enabledForReportingButNotEnforced',
          scope: { include: allUsers, breakGlass: 'group' },
          grant: ['mfa'],
        },
      ];
    case 'admins_only':
      return [
        { name: 'Require MFA for administrators', scope: { include: admins, breakGlass: 'users' }, grant: ['mfa'] },
      ];
    case 'legacy_auth_open':
      return [
        {
          name: 'Require MFA for modern clients',
          scope: { include: allUsers, breakGlass: 'group' },
          clientAppTypes: ['browser', 'mobileAppsAndDesktopClients'],
          grant: ['mfa'],
        },
      ];
    case 'legacy_auth_blocked':
      return [
        {
          name: 'Block legacy authentication',
          scope: { include: allUsers, breakGlass: 'users' },
          clientAppTypes: ['exchangeActiveSync', 'other'],
          grant: ['block'],
        },
      ];
    case 'phishing_resistant_admins':
      return [
        {
          name: 'Require phishing-resistant MFA for administrators',
          scope: { include: admins, breakGlass: 'group' },
          grant: 'phishingResistant',
        },
      ];
    case 'device_code_only':
      return [
        {
          name: 'Require MFA for device-code sign-ins',
          scope: { include: allUsers, breakGlass: 'group' },
          grant: ['mfa'],
          narrow: { authenticationFlows: { transferMethods: 'deviceCodeFlow' } },
        },
      ];
    case 'insider_risk':
      return [
        {
          name: 'Require MFA on elevated insider risk',
          scope: { include: allUsers, breakGlass: 'group' },
          grant: ['mfa'],
          narrow: { insiderRiskLevels: 'elevated' },
        },
      ];
    case 'service_providers_mfa':
      return [
        {
          name: 'Require MFA for service-provider users',
          scope: {
            include: {
              includeGuestsOrExternalUsers: {
                guestOrExternalUserTypes: 'serviceProvider',
                externalTenants: {
                  '@odata.type': '#microsoft.graph.conditionalAccessAllExternalTenants',
                  membershipKind: 'all',
                },
              },
            },
            breakGlass: 'group',
          },
          grant: ['mfa'],
        },
      ];
    case 'weak_custom_strength':
      return [
        {
          name: 'Require the MFA (any method) strength',
          scope: { include: allUsers, breakGlass: 'group' },
          grant: 'weakStrength',
        },
      ];
    case 'custom_control_mfa':
      return [{ name: 'Require Duo MFA', scope: { include: allUsers, breakGlass: 'group' }, grant: 'customControl' }];
    case 'workload_identities':
      return [
        {
          name: 'Block workload identities outside the tenant',
          scope: { include: { includeUsers: ['None'] }, breakGlass: 'none' },
          grant: ['block'],
          narrow: {
            clientApplications: {
              includeServicePrincipals: ['ServicePrincipalsInMyTenant'],
              excludeServicePrincipals: [],
              servicePrincipalFilter: null,
            },
          },
        },
      ];
    case 'nested_groups': {
      const staff = group('allStaff');
      const exemptions = group('mfaExemptions');
      return [
        {
          name: 'Require MFA for all staff',
          scope: {
            include: { includeGroups: staff ? [staff] : [] },
            breakGlass: 'group',
            excludeGroups: exemptions ? [exemptions] : [],
          },
          grant: ['mfa'],
        },
        {
          name: 'Require MFA or a compliant device',
          scope: { include: allUsers, breakGlass: 'group' },
          grant: ['mfa', 'compliantDevice'],
          operator: 'OR',
        },
        {
          name: 'Require MFA outside trusted locations',
          scope: { include: allUsers, breakGlass: 'group' },
          grant: ['mfa'],
          locations: { includeLocations: ['All'], excludeLocations: ['AllTrusted'] },
        },
      ];
    }
  }
}

/** The conditional-access policies the world's presets create, in preset order (duplicates ignored). */
export function buildCaPolicies(
  world: EntraWorld,
  seed: number,
  now: Date,
  groups: readonly DirectoryGroup[],
  breakGlassUserIds: string[],
): ConditionalAccessPolicy[] {
  const group = (key: string) => groups.find((g) => g.key === key)?.id;
  const breakGlassGroup = group('breakGlass');
  return [...new Set(world.conditionalAccess)].flatMap((preset) =>
    presetSpecs(preset, group).map((spec, k) => {
      const key = [world.tenantId, 'ca', preset, k];
      const created = new Date(now.getTime() - (200 + unit(seed, ...key, 'created') * 600) * 86_400_000);
      const modified = new Date(now.getTime() - unit(seed, ...key, 'modified') * 150 * 86_400_000);
      const excludeGroups = [...(spec.scope.excludeGroups ?? [])];
      if (spec.scope.breakGlass === 'group' && breakGlassGroup) excludeGroups.push(breakGlassGroup);
      return {
        id: guid(seed, ...key),
        templateId: null,
        displayName: spec.name,
        createdDateTime: created.toISOString(),
        modifiedDateTime: modified.toISOString(),
        state: spec.state ?? 'enabled',
        sessionControls: null,
        conditions: {
          userRiskLevels: [],
          signInRiskLevels: [],
          clientAppTypes: spec.clientAppTypes ?? ['all'],
          servicePrincipalRiskLevels: [],
          insiderRiskLevels: spec.narrow?.insiderRiskLevels ?? null,
          platforms: null,
          devices: null,
          clientApplications: spec.narrow?.clientApplications ?? null,
          authenticationFlows: spec.narrow?.authenticationFlows ?? null,
          locations: spec.locations ?? null,
          applications: {
            includeApplications: ['All'],
            excludeApplications: [],
            includeUserActions: [],
            includeAuthenticationContextClassReferences: [],
            applicationFilter: null,
          },
          users: {
            includeUsers: spec.scope.include.includeUsers ?? [],
            excludeUsers: spec.scope.breakGlass === 'users' ? [...breakGlassUserIds] : [],
            includeGroups: spec.scope.include.includeGroups ?? [],
            excludeGroups,
            includeRoles: spec.scope.include.includeRoles ?? [],
            excludeRoles: [],
            includeGuestsOrExternalUsers: spec.scope.include.includeGuestsOrExternalUsers ?? null,
            excludeGuestsOrExternalUsers: null,
          },
        },
        grantControls: {
          operator: spec.operator ?? 'OR',
          builtInControls: typeof spec.grant === 'string' ? [] : spec.grant,
          customAuthenticationFactors: spec.grant === 'customControl' ? [world.customControl] : [],
          termsOfUse: [],
          authenticationStrength:
            spec.grant === 'phishingResistant'
              ? PHISHING_RESISTANT_STRENGTH
              : spec.grant === 'weakStrength'
                ? WEAK_CUSTOM_STRENGTH
                : null,
        },
      } satisfies ConditionalAccessPolicy;
    }),
  );
}
