import { healthyGcp, hierarchyGcp, shortGcp } from './gcp-worlds.ts';
import { GITHUB_PRESETS } from './presets-github.ts';
import { type Scenario, type ScenarioInput, scenario } from './schema.ts';

const exported = [
  {
    name: 'to-central-workspace',
    categories: ['AuditLogs', 'SignInLogs', 'NonInteractiveUserSignInLogs', 'ServicePrincipalSignInLogs'],
    retentionDays: 365,
    separateBoundary: true,
  },
];

/** Named worlds for the demo, the tests and `evident simulate --scenario NAME`. */
export const PRESETS = {
  /** Everything an auditor wants to see. */
  healthy: {
    name: 'healthy',
    tenants: [
      {
        name: 'northwind',
        entra: {
          tenantId: 'northwind',
          domain: 'northwind.example',
          licence: 'p2',
          users: 120,
          guests: 6,
          mspGuests: 3,
          admins: { globalAdministrator: 2, securityAdministrator: 1, userAdministrator: 1 },
          mfaRegisteredShare: 1,
          adminPhishingResistantShare: 1,
          conditionalAccess: ['all_users_mfa_break_glass', 'legacy_auth_blocked', 'phishing_resistant_admins'],
          weakMethodsEnabled: { sms: false, voice: false, email: false },
          diagnosticSettings: exported,
        },
        github: { org: 'northwind', plan: 'enterprise', members: 40, owners: 2, auditLogStreaming: true },
        gcp: healthyGcp('northwind'),
      },
    ],
  },
  /** MFA is registered widely but the only all-users policy is report-only, and some admins never registered. */
  'admins-unenforced': {
    name: 'admins-unenforced',
    tenants: [
      {
        name: 'fabrikam',
        entra: {
          tenantId: 'fabrikam',
          domain: 'fabrikam.example',
          users: 200,
          guests: 12,
          mspGuests: 2,
          admins: { globalAdministrator: 4, exchangeAdministrator: 2 },
          mfaRegisteredShare: 0.8,
          adminMfaRegisteredShare: 0.5,
          conditionalAccess: ['report_only_trap', 'legacy_auth_blocked'],
          diagnosticSettings: exported,
        },
        github: { org: 'fabrikam', members: 60, owners: 3, twoFactorRequired: false, membersWithout2fa: 7 },
      },
    ],
  },
  /** MFA in order, but logs kept only where the providers keep them by default. */
  'short-retention': {
    name: 'short-retention',
    tenants: [
      {
        name: 'tailspin',
        entra: {
          tenantId: 'tailspin',
          domain: 'tailspin.example',
          users: 80,
          guests: 2,
          mspGuests: 2,
          mfaRegisteredShare: 1,
        },
        github: { org: 'tailspin', members: 25, owners: 2 },
        gcp: shortGcp('tailspin'),
      },
    ],
  },
  /**
   * The MSP's own estate, and its partner tenant: GDAP relationships with the demo's customers (Northwind consented
   * to the MSP's app; Fabrikam granted Global Administrator; Tailspin's relationship ending within 30 days).
   */
  'msp-internal': {
    name: 'msp-internal',
    tenants: [
      {
        name: 'contoso-msp',
        entra: {
          tenantId: 'contoso-msp',
          domain: 'contoso-msp.example',
          licence: 'p2',
          users: 45,
          admins: { globalAdministrator: 2, privilegedRoleAdministrator: 1, helpdeskAdministrator: 4 },
          mfaRegisteredShare: 1,
          adminPhishingResistantShare: 1,
          conditionalAccess: ['all_users_mfa_break_glass', 'legacy_auth_blocked', 'phishing_resistant_admins'],
          diagnosticSettings: exported,
          partner: {
            relationships: [
              {
                customer: 'northwind',
                displayName: 'Northwind Traders',
                roles: ['globalReader', 'securityAdministrator'],
                endsInDays: 400,
                autoExtend: true,
                consented: true,
              },
              { customer: 'fabrikam', displayName: 'Fabrikam', roles: ['globalAdministrator'], endsInDays: 200 },
              {
                customer: 'tailspin',
                displayName: 'Tailspin Toys',
                roles: ['globalReader', 'userAdministrator'],
                endsInDays: 12,
              },
            ],
          },
        },
        github: { org: 'contoso-msp', plan: 'enterprise', members: 30, owners: 2, auditLogStreaming: true },
      },
    ],
  },
  /** A small business on Entra ID Free relying on security defaults. */
  'security-defaults': {
    name: 'security-defaults',
    tenants: [
      {
        name: 'adatum',
        entra: {
          tenantId: 'adatum',
          domain: 'adatum.example',
          licence: 'free',
          users: 25,
          securityDefaults: true,
          conditionalAccess: [],
        },
      },
    ],
  },
  /** Entra ID Free without security defaults: the reports need a licence, so much stays unknown. */
  'free-no-defaults': {
    name: 'free-no-defaults',
    tenants: [
      {
        name: 'litware',
        entra: { tenantId: 'litware', domain: 'litware.example', licence: 'free', users: 15, conditionalAccess: [] },
      },
    ],
  },
  ...GITHUB_PRESETS,
  /** The conditional-access shapes that trip resolvers: nested groups, role includes, legacy clients left open. */
  'ca-edge-cases': {
    name: 'ca-edge-cases',
    tenants: [
      {
        name: 'proseware',
        entra: {
          tenantId: 'proseware',
          domain: 'proseware.example',
          users: 60,
          guests: 5,
          admins: { globalAdministrator: 2, conditionalAccessAdministrator: 1 },
          conditionalAccess: ['nested_groups', 'admins_only'],
        },
      },
    ],
  },
  /** Google Cloud only: folders, organization audit configs, an intercepting folder sink and a silent project. */
  'gcp-hierarchy': {
    name: 'gcp-hierarchy',
    tenants: [{ name: 'woodgrove', gcp: hierarchyGcp('woodgrove') }],
  },
  /** One tenant of 300,000 users, generated page by page. */
  huge: {
    name: 'huge',
    tenants: [
      {
        name: 'megacorp',
        entra: {
          tenantId: 'megacorp',
          domain: 'megacorp.example',
          licence: 'p1',
          users: 300_000,
          guests: 5_000,
          admins: { globalAdministrator: 4, securityAdministrator: 6, userAdministrator: 20 },
        },
      },
    ],
  },
  /**
   * Privileged scope and the conditions that narrow a policy: admins (active and PIM-eligible) under a role policy;
   * everyone else only under narrowed, single-factor or custom-control grants, some on legacy per-user MFA; a
   * sign-in table kept for less than its workspace and an audit export whose storage lifecycle sets its retention.
   */
  'privileged-scope': {
    name: 'privileged-scope',
    tenants: [
      {
        name: 'wideworld',
        entra: {
          tenantId: 'wideworld',
          domain: 'wideworld.example',
          licence: 'p2',
          users: 40,
          guests: 4,
          mspGuests: 2,
          admins: { globalAdministrator: 2, securityAdministrator: 1 },
          eligibleAdmins: { globalAdministrator: 1, privilegedRoleAdministrator: 1 },
          perUserMfa: { enforced: 3, enabled: 2 },
          conditionalAccess: [
            'admins_only',
            'device_code_only',
            'insider_risk',
            'service_providers_mfa',
            'weak_custom_strength',
            'custom_control_mfa',
            'workload_identities',
            'legacy_auth_blocked',
          ],
          diagnosticSettings: [
            {
              name: 'to-soc-workspace',
              categories: ['AuditLogs', 'SignInLogs', 'NonInteractiveUserSignInLogs'],
              retentionDays: 365,
              tableRetentionDays: { SigninLogs: 90 },
            },
            { name: 'audit-archive', categories: ['AuditLogs'], destination: 'storage', retentionDays: 400 },
          ],
        },
      },
    ],
  },
} satisfies Record<string, ScenarioInput>;

export type PresetName = keyof typeof PRESETS;

export function isPresetName(name: string): name is PresetName {
  return Object.hasOwn(PRESETS, name);
}

export function preset(name: PresetName, overrides: Partial<ScenarioInput> = {}): Scenario {
  return scenario.parse({ ...PRESETS[name], ...overrides });
}

/** Several presets as one world, one tenant each: how the demo portfolio is built. */
export function combinePresets(names: PresetName[], seed = 1): Scenario {
  return scenario.parse({
    name: names.join('+'),
    seed,
    tenants: names.flatMap((n): ScenarioInput['tenants'] => PRESETS[n].tenants),
    githubAppUserInstallations: names.flatMap((n) => {
      const p: ScenarioInput = PRESETS[n];
      return p.githubAppUserInstallations ?? [];
    }),
  });
}
