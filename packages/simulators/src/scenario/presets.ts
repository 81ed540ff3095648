import { type Scenario, type ScenarioInput, scenario } from './schema.ts';

const healthyGcp = (prefix: string) => ({
  organizationId: `${prefix}-org`,
  organizationSinks: [
    {
      name: 'all-audit-to-central',
      destination: `logging.googleapis.com/projects/${prefix}-central-logs/locations/global/buckets/audit-archive`,
      filter: 'logName:"cloudaudit.googleapis.com"',
      includeChildren: true,
    },
  ],
  projects: [
    {
      projectId: `${prefix}-central-logs`,
      buckets: [{ id: 'audit-archive', retentionDays: 400, locked: true }],
      dataAccess: 'all' as const,
    },
    { projectId: `${prefix}-prod`, dataAccess: 'all' as const },
    { projectId: `${prefix}-staging`, dataAccess: 'all' as const },
  ],
});

const shortGcp = (prefix: string) => ({
  projects: [
    { projectId: `${prefix}-prod`, defaultRetentionDays: 30 },
    { projectId: `${prefix}-web`, defaultRetentionDays: 30 },
  ],
});

/** An organization with nested folders: audit configs on the organization, an intercepting sink on a folder. */
const hierarchyGcp = (prefix: string) => ({
  organizationId: `${prefix}-org`,
  organizationDataAccess: 'all' as const,
  organizationSinks: [
    {
      name: 'all-audit-to-central',
      destination: `logging.googleapis.com/projects/${prefix}-central-logs/locations/global/buckets/audit-archive`,
      filter: 'logName:"cloudaudit.googleapis.com"',
      includeChildren: true,
    },
  ],
  folders: [
    {
      folderId: '3001',
      sinks: [
        {
          name: 'data-access-to-secops',
          destination: `logging.googleapis.com/projects/${prefix}-secops`,
          filter: 'LOG_ID("cloudaudit.googleapis.com/data_access")',
          includeChildren: true,
          interceptChildren: true,
        },
      ],
    },
    { folderId: '3002', parent: '3001', dataAccess: 'partial' as const },
    {
      folderId: '3100',
      sinks: [
        {
          name: 'sandbox-audit-to-bigquery',
          destination: `bigquery.googleapis.com/projects/${prefix}-secops/datasets/sandbox_audit`,
          filter: 'logName:"cloudaudit.googleapis.com"',
          includeChildren: true,
        },
      ],
    },
  ],
  projects: [
    { projectId: `${prefix}-central-logs`, buckets: [{ id: 'audit-archive', retentionDays: 400, locked: true }] },
    { projectId: `${prefix}-secops` },
    {
      projectId: `${prefix}-payments`,
      folder: '3002',
      defaultRetentionDays: 365,
      sinks: [{ name: 'keep-data-access', destination: `storage.googleapis.com/${prefix}-payments-archive` }],
    },
    // Its Admin Activity log has been silent for four days; no System Event entry is kept at all.
    { projectId: `${prefix}-sandbox`, folder: '3100', newestEntries: { activity: 100, system_event: null } },
  ],
});

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
  /** The MSP's own estate. */
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
  /** A GitHub token that is not an org owner's: 2FA state cannot be seen, and must not read as "off". */
  'github-non-owner': {
    name: 'github-non-owner',
    tenants: [{ name: 'wingtip', github: { org: 'wingtip', members: 30, tokenIsOwner: false, membersWithout2fa: 3 } }],
  },
  /** An owner token sees members and outside collaborators whose second factor is SMS (`filter=2fa_insecure`). */
  'github-sms-2fa': {
    name: 'github-sms-2fa',
    tenants: [
      {
        name: 'alpineski',
        github: {
          org: 'alpineski',
          plan: 'enterprise',
          members: 35,
          membersWithInsecure2fa: 3,
          outsideCollaborators: 4,
          collaboratorsWithInsecure2fa: 1,
          auditLogStreaming: true,
        },
      },
    ],
  },
  /** The connection names a misspelled org: every call is a 404, and nothing may be said of the real one. */
  'github-misspelled-org': {
    name: 'github-misspelled-org',
    tenants: [
      {
        name: 'lucerne',
        github: {
          org: 'lucerne',
          connectionOrg: 'lucerne-pub',
          plan: 'enterprise',
          members: 20,
          auditLogStreaming: true,
        },
      },
    ],
  },
  /** The org's token was revoked: GitHub answers 401 Bad credentials. */
  'github-revoked-token': {
    name: 'github-revoked-token',
    tenants: [
      {
        name: 'margie',
        github: { org: 'margie', tokenState: 'revoked', plan: 'enterprise', members: 15, auditLogStreaming: true },
      },
    ],
  },
  /** A SAML SSO org whose token was never authorized for SSO: 403 with `X-GitHub-SSO`. */
  'github-sso-unauthorized': {
    name: 'github-sso-unauthorized',
    tenants: [
      {
        name: 'trey',
        github: {
          org: 'trey',
          samlSso: true,
          tokenState: 'sso_unauthorized',
          plan: 'enterprise',
          members: 15,
          auditLogStreaming: true,
        },
      },
    ],
  },
  /** A GitHub App installed on an Enterprise Managed Users org, whose members' 2FA lives at the identity provider. */
  'github-app-emu': {
    name: 'github-app-emu',
    tenants: [
      {
        name: 'fourthcoffee',
        github: {
          org: 'fourthcoffee',
          plan: 'enterprise',
          members: 20,
          credential: 'app',
          managedUsers: { shortcode: 'fourth' },
          auditLogStreaming: true,
        },
      },
    ],
  },
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
  });
}
