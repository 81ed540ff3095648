import { z } from 'zod';
import { entraStorage } from './entra-storage.ts';

const share = z.number().min(0).max(1);

/** Entra ID conditional-access setups worth testing against; see presets.ts for what each one creates. */
export const CA_PRESETS = [
  'all_users_mfa_break_glass',
  'report_only_trap',
  'admins_only',
  'legacy_auth_open',
  'legacy_auth_blocked',
  'phishing_resistant_admins',
  'nested_groups',
  'device_code_only',
  'insider_risk',
  'service_providers_mfa',
  'weak_custom_strength',
  'custom_control_mfa',
  'workload_identities',
] as const;

export const ENTRA_METHODS = [
  'microsoftAuthenticatorPush',
  'softwareOneTimePasscode',
  'mobilePhone',
  'email',
  'fido2',
  'windowsHelloForBusiness',
  'passKeyDeviceBound',
] as const;

/** Directory roles by their names in the simulator; the Graph simulator maps them to Microsoft's template ids. */
export const ENTRA_ROLES = [
  'globalAdministrator',
  'privilegedRoleAdministrator',
  'securityAdministrator',
  'conditionalAccessAdministrator',
  'userAdministrator',
  'exchangeAdministrator',
  'helpdeskAdministrator',
  'globalReader',
] as const;

export const entraDiagnosticSetting = z.object({
  name: z.string().min(1),
  /** Log categories exported: `AuditLogs`, `SignInLogs`, `NonInteractiveUserSignInLogs`, `ServicePrincipalSignInLogs`. */
  categories: z.array(z.string()).default(['AuditLogs', 'SignInLogs', 'NonInteractiveUserSignInLogs']),
  destination: z.enum(['log_analytics', 'storage', 'event_hub']).default('log_analytics'),
  /** Retention of the Log Analytics workspace (or storage lifecycle) that receives them. */
  retentionDays: z.number().int().positive().default(365),
  /** Log Analytics only: per-table total retention (`SigninLogs`: 90) that overrides the workspace default. */
  tableRetentionDays: z.record(z.string(), z.number().int().positive()).optional(),
  /** Whether the destination sits in a subscription the tenant's own admins do not control. */
  separateBoundary: z.boolean().default(true),
  /** Storage only: lifecycle rules, immutability and legal holds of the account. */
  storage: entraStorage.optional(),
});

/** A user of the world by position (`/users` order); a role by the scenario's name or a definition id. */
const roleRef = z.union([z.enum(ENTRA_ROLES), z.string().min(1)]);

export const entraEdges = z
  .object({
    /** Custom role definitions, with whether the tenant marks them privileged. */
    customRoles: z
      .array(z.object({ id: z.string().min(1), displayName: z.string().min(1), isPrivileged: z.boolean() }))
      .default([]),
    /** Single role assignments: at a scope (`/`, `/administrativeUnits/{id}`, `/{objectId}`), active or eligible. */
    roleAssignments: z
      .array(
        z.object({
          user: z.number().int().nonnegative(),
          role: roleRef,
          directoryScopeId: z.string().default('/'),
          eligible: z.boolean().default(false),
        }),
      )
      .default([]),
    /** PIM's activation rules per directory role: MFA demanded, or an authentication context (`c1`…). */
    activation: z
      .array(
        z.object({
          role: roleRef,
          mfa: z.boolean().default(false),
          authenticationContext: z.string().optional(),
        }),
      )
      .default([]),
    /**
     * Users whose external-identity attributes differ from what their block gives (by position): a UPN of another
     * shape, another `userType`, or attributes Graph leaves `null`.
     */
    users: z
      .array(
        z.object({
          user: z.number().int().nonnegative(),
          userPrincipalName: z.string().min(1).optional(),
          userType: z.enum(['Member', 'Guest']).nullable().optional(),
          creationType: z.string().nullable().optional(),
          externalUserState: z.enum(['PendingAcceptance', 'Accepted']).nullable().optional(),
          identities: z
            .array(z.object({ signInType: z.string(), issuer: z.string(), issuerAssignedId: z.string().nullable() }))
            .optional(),
        }),
      )
      .default([]),
    /** Conditional-access policies in Graph's own shape, served after the presets'. */
    policies: z.array(z.record(z.string(), z.unknown())).default([]),
    /** Cross-tenant access: B2B direct connect let in, and MFA from home tenants trusted; `null`: as the default. */
    crossTenant: z
      .object({
        default: z
          .object({ directConnectInbound: z.boolean().default(false), mfaAccepted: z.boolean().default(false) })
          .default({ directConnectInbound: false, mfaAccepted: false }),
        partners: z
          .array(
            z.object({
              tenantId: z.string().min(1),
              directConnectInbound: z.boolean().nullable().default(null),
              mfaAccepted: z.boolean().nullable().default(null),
            }),
          )
          .default([]),
      })
      .default({ default: { directConnectInbound: false, mfaAccepted: false }, partners: [] }),
  })
  .default({
    customRoles: [],
    users: [],
    roleAssignments: [],
    activation: [],
    policies: [],
    crossTenant: { default: { directConnectInbound: false, mfaAccepted: false }, partners: [] },
  });

/**
 * A GDAP relationship the partner tenant holds with a customer: the roles it grants, its status and when it ends.
 * `customer` is a scenario tenant's name or tenant id, or the id of a tenant the scenario does not simulate.
 */
export const gdapRelationship = z.object({
  customer: z.string().min(1),
  /** The customer's name as Partner Center lists it; by default the simulated tenant's organization name. */
  displayName: z.string().min(1).optional(),
  /** The relationship's own name. */
  name: z.string().min(1).optional(),
  roles: z.array(roleRef).min(1).default(['globalReader']),
  status: z
    .enum(['active', 'approvalPending', 'created', 'expired', 'terminated', 'terminationRequested', 'activating'])
    .default('active'),
  /** Days from `now` to `endDateTime` (negative: ended). */
  endsInDays: z.number().int().default(365),
  /** Whether Partner Center renews it for another 180 days (`autoExtendDuration`). */
  autoExtend: z.boolean().default(false),
  /** The MSP's multi-tenant app already has admin consent in the customer tenant. */
  consented: z.boolean().default(false),
});

/** The MSP's own tenant as a Microsoft partner: its GDAP relationships, served by `tenantRelationships`. */
export const entraPartner = z.object({ relationships: z.array(gdapRelationship).default([]) });

export const entraWorld = z.object({
  /** The Entra tenant id (a GUID is not required by the simulator). */
  tenantId: z.string().min(1),
  domain: z.string().default('contoso.example'),
  licence: z.enum(['free', 'p1', 'p2']).default('p1'),
  /** Enabled member users, admins and break-glass accounts included. */
  users: z.number().int().nonnegative(),
  disabledUsers: z.number().int().nonnegative().default(0),
  guests: z.number().int().nonnegative().default(0),
  /** How many of the guests are the MSP's own staff, invited from `mspDomain` (the first guests). */
  mspGuests: z.number().int().nonnegative().default(0),
  mspDomain: z.string().default('contoso-msp.example'),
  /** Members of each role, taken from the first users. */
  admins: z.partialRecord(z.enum(ENTRA_ROLES), z.number().int().nonnegative()).default({ globalAdministrator: 2 }),
  /** Break-glass accounts: Global Administrators excluded from every CA policy. */
  breakGlass: z.number().int().nonnegative().default(2),
  mfaRegisteredShare: share.default(0.95),
  /** Share of admins with MFA registered (admins are usually better than the rest). */
  adminMfaRegisteredShare: share.default(1),
  /** Weights of the MFA methods a registered user has as their main method. */
  methods: z
    .partialRecord(z.enum(ENTRA_METHODS), z.number().nonnegative())
    .default({ microsoftAuthenticatorPush: 0.7, softwareOneTimePasscode: 0.1, mobilePhone: 0.15, fido2: 0.05 }),
  /** Share of admins whose main method is phishing-resistant (FIDO2, passkey or Windows Hello). */
  adminPhishingResistantShare: share.default(0),
  securityDefaults: z.boolean().default(false),
  /** The conditional-access policies present, as a set of presets (empty: none). */
  conditionalAccess: z.array(z.enum(CA_PRESETS)).default(['all_users_mfa_break_glass', 'legacy_auth_blocked']),
  /** Entra diagnostic settings (Azure Resource Manager): where sign-in and audit logs are exported. */
  diagnosticSettings: z.array(entraDiagnosticSetting).default([]),
  /** Authentication methods the tenant allows that are weak or phishable. */
  weakMethodsEnabled: z.object({ sms: z.boolean(), voice: z.boolean(), email: z.boolean() }).default({
    sms: true,
    voice: false,
    email: false,
  }),
  /** `policyMigrationState` of the authentication methods policy; before completion the legacy policies still apply. */
  methodsPolicyMigration: z
    .enum(['preMigration', 'migrationInProgress', 'migrationComplete'])
    .default('migrationComplete'),
  /** Share of users who signed in within the last 30 days. */
  recentSignInShare: share.default(0.9),
  /** PIM: holders eligible (not active) for each role, taken from the last enabled members. Needs P2. */
  eligibleAdmins: z.partialRecord(z.enum(ENTRA_ROLES), z.number().int().nonnegative()).default({}),
  /** Legacy per-user MFA states of the first regular members (after the admins). */
  perUserMfa: z
    .object({ enforced: z.number().int().nonnegative().default(0), enabled: z.number().int().nonnegative().default(0) })
    .default({ enforced: 0, enabled: 0 }),
  /** Custom controls (`customAuthenticationFactors`) the `custom_control_mfa` preset grants with. */
  customControl: z.string().default('duo-mfa'),
  /** Directory shapes beyond the generated blocks, for the documented edge cases. */
  edges: entraEdges,
  /** The tenant is a Microsoft partner's: its GDAP customers, and the MSP's multi-tenant app registered in it. */
  partner: entraPartner.optional(),
});

/** A custom organization role and the members (by position in the member list, owners first) who hold it. */
export const githubOrgRole = z.object({
  name: z.string().min(1),
  /** The repository role it inherits on every repository (`admin` is admin of all of them). */
  baseRole: z.enum(['read', 'triage', 'write', 'maintain', 'admin']).nullable().default(null),
  /** Organization permissions, e.g. `read_audit_logs`, `write_organization_custom_org_role`. */
  permissions: z.array(z.string()).default([]),
  members: z.array(z.number().int().nonnegative()).default([]),
  /** Held through this team: the users list names it under `inherited_from`, the teams list lists it. */
  team: z.string().optional(),
});

export const githubWorld = z.object({
  org: z.string().min(1),
  plan: z.enum(['free', 'team', 'enterprise']).default('team'),
  /** Members, owners included. */
  members: z.number().int().nonnegative(),
  owners: z.number().int().nonnegative().default(2),
  membersWithout2fa: z.number().int().nonnegative().default(0),
  outsideCollaborators: z.number().int().nonnegative().default(0),
  collaboratorsWithout2fa: z.number().int().nonnegative().default(0),
  twoFactorRequired: z.boolean().default(true),
  /** Whether the token the connector uses belongs to an org owner (non-owners see less). */
  tokenIsOwner: z.boolean().default(true),
  /** Enterprise Cloud only: an audit-log stream exists. */
  auditLogStreaming: z.boolean().default(false),
  /** Members (with 2FA) whose second factor is SMS: what `filter=2fa_insecure` lists. */
  membersWithInsecure2fa: z.number().int().nonnegative().default(0),
  collaboratorsWithInsecure2fa: z.number().int().nonnegative().default(0),
  /** The org enforces SAML SSO: a classic token must be authorized for it (`tokenState: 'sso_unauthorized'`). */
  samlSso: z.boolean().default(false),
  /** How the connector authenticates: a classic token, or a GitHub App installed on the org. */
  credential: z.enum(['classic', 'app']).default('classic'),
  /** The classic token's state: usable, revoked (401), or not authorized for the org's SAML SSO (403). */
  tokenState: z.enum(['valid', 'revoked', 'sso_unauthorized']).default('valid'),
  /** The classic token's scopes (`X-OAuth-Scopes`); by default an owner's full set or a member's read:org. */
  tokenScopes: z.array(z.string()).optional(),
  /** The App installation's permissions, e.g. `{ members: 'read', administration: 'read' }`. */
  appPermissions: z.record(z.string(), z.enum(['read', 'write'])).default({
    members: 'read',
    administration: 'read',
    organization_administration: 'read',
    organization_custom_org_roles: 'read',
  }),
  /** The App's installation on the org: active, suspended by an owner (no tokens), or absent (not installed). */
  appInstallation: z.enum(['active', 'suspended', 'none']).default('active'),
  /** The org login the connection names when it differs from the org's (a misspelling: every call is a 404). */
  connectionOrg: z.string().min(1).optional(),
  /**
   * An Enterprise Managed Users org: logins end in `_<shortcode>`, members sign in through the enterprise's IdP, so
   * GitHub lists every member under `2fa_disabled` and the org cannot require 2FA.
   */
  managedUsers: z.object({ shortcode: z.string().regex(/^[a-z0-9]+$/) }).optional(),
  /** Custom organization roles, beside GitHub's predefined ones (which nobody holds unless declared here). */
  organizationRoles: z.array(githubOrgRole).default([]),
  /**
   * The owners of the org's enterprise (Enterprise plan only), as GraphQL's `Organization.enterpriseOwners` lists
   * them: a member's login with `OWNER` or `DIRECT_MEMBER`, or an account outside the org, `UNAFFILIATED`.
   */
  enterpriseOwners: z
    .array(
      z.object({
        login: z.string().min(1),
        organizationRole: z.enum(['OWNER', 'DIRECT_MEMBER', 'UNAFFILIATED']),
      }),
    )
    .default([]),
});

export const gcpBucket = z.object({
  id: z.string().min(1),
  location: z.string().default('global'),
  retentionDays: z.number().int().positive(),
  locked: z.boolean().default(false),
});

/** A sink's exclusion (`LogExclusion`): what its filter matches the sink drops, unless it is disabled. */
export const gcpExclusion = z.object({
  name: z.string().min(1),
  filter: z.string().min(1),
  disabled: z.boolean().default(false),
});

/** Changes to a resource's built-in `_Default` sink: disabled, or with exclusions (what `projects.exclusions` lists). */
export const gcpDefaultSink = z
  .object({ disabled: z.boolean().default(false), exclusions: z.array(gcpExclusion).default([]) })
  .default({ disabled: false, exclusions: [] });

export const gcpSink = z.object({
  name: z.string().min(1),
  /** e.g. `logging.googleapis.com/projects/p/locations/global/buckets/b`, `storage.googleapis.com/bucket`. */
  destination: z.string().min(1),
  filter: z.string().default(''),
  disabled: z.boolean().default(false),
  includeChildren: z.boolean().default(false),
  /** With includeChildren: what it matches reaches no sink of the resources below but `_Required`. */
  interceptChildren: z.boolean().default(false),
  exclusions: z.array(gcpExclusion).default([]),
});

const hoursAgo = z.number().nonnegative().nullable();

/** How long before `now` each audit log's newest entry was written; `null`: none is kept. */
export const gcpNewestEntries = z
  .object({
    activity: hoursAgo.default(2),
    system_event: hoursAgo.default(20),
    /** By default one hour when Data Access logging is on here or above, else none. */
    data_access: hoursAgo.optional(),
  })
  .default({ activity: 2, system_event: 20 });

const dataAccess = z.enum(['all', 'partial', 'none']).default('none');

export const gcpFolder = z.object({
  folderId: z.string().regex(/^\d+$/, 'folder ids are numbers'),
  /** `DELETE_REQUESTED`: deleted, within the 30 days it can be restored; Resource Manager still lists it. */
  state: z.enum(['ACTIVE', 'DELETE_REQUESTED']).default('ACTIVE'),
  /** The folder it sits in (declared before it); the organization when unset. */
  parent: z.string().optional(),
  sinks: z.array(gcpSink).default([]),
  defaultSink: gcpDefaultSink,
  dataAccess,
  dataAccessExemptions: z.array(z.string()).default([]),
  newestEntries: gcpNewestEntries,
});

export const gcpProject = z.object({
  projectId: z.string().min(1),
  /** `DELETE_REQUESTED`: shut down, within the 30 days it can be restored; Resource Manager still lists it. */
  state: z.enum(['ACTIVE', 'DELETE_REQUESTED']).default('ACTIVE'),
  /** Retention of the `_Default` bucket (30 unless changed). `_Required` is always 400 days, locked. */
  defaultRetentionDays: z.number().int().positive().default(30),
  buckets: z.array(gcpBucket).default([]),
  sinks: z.array(gcpSink).default([]),
  defaultSink: gcpDefaultSink,
  /** Data-access audit logs: on for all services, for some, or off (Google's default). */
  dataAccess: z.enum(['all', 'partial', 'none']).default('none'),
  dataAccessExemptions: z.array(z.string()).default([]),
  /** The folder it sits in; the organization (if any) when unset. */
  folder: z.string().optional(),
  newestEntries: gcpNewestEntries,
});

export const gcpWorld = z.object({
  organizationId: z.string().optional(),
  /** The organization's primary domain, its `displayName` in Resource Manager; `<organizationId>.example` unset. */
  organizationDomain: z.string().min(1).optional(),
  organizationSinks: z.array(gcpSink).default([]),
  organizationDefaultSink: gcpDefaultSink,
  /** Data Access audit configs on the organization, inherited by everything under it. */
  organizationDataAccess: dataAccess,
  organizationDataAccessExemptions: z.array(z.string()).default([]),
  organizationNewestEntries: gcpNewestEntries,
  folders: z.array(gcpFolder).default([]),
  projects: z.array(gcpProject).default([]),
});

export const faultSpec = z.object({
  latencyMs: z.number().nonnegative().default(0),
  jitterMs: z.number().nonnegative().default(0),
  throttleShare: share.default(0),
  serverErrorShare: share.default(0),
  timeoutShare: share.default(0),
  resetShare: share.default(0),
  truncateShare: share.default(0),
  /** After this many requests the access token is refused as expired (401 / UNAUTHENTICATED). */
  tokenExpiresAfter: z.number().int().positive().optional(),
  /** After this many requests the named permission is gone (403 / PERMISSION_DENIED on the endpoints needing it). */
  revokePermission: z.object({ after: z.number().int().nonnegative(), permission: z.string() }).optional(),
  /** Apply the providers' real throttles (on by default). */
  realThrottles: z.boolean().default(true),
  /** Graph: the failure shares hit only these endpoints (`/v1.0/…` templates); every other request passes. */
  endpoints: z.array(z.string()).optional(),
});

/** AWS accounts of a tenant, as one of the AWS simulator's presets; ids default to ones derived from the tenant. */
export const awsTenantWorld = z.object({
  preset: z.enum(['healthy', 'weak', 'huge']).default('healthy'),
  accounts: z
    .array(z.string().regex(/^\d{12}$/))
    .min(1)
    .optional(),
});

export const SIMULATORS = ['graph', 'github', 'gcp'] as const;
export type SimulatorName = (typeof SIMULATORS)[number];

export const tenantWorld = z.object({
  /** The key a tenant is known by in the scenario and the accounting. */
  name: z.string().min(1),
  entra: entraWorld.optional(),
  github: githubWorld.optional(),
  gcp: gcpWorld.optional(),
  /** A Google Workspace customer, served by a simulator of its own (`workspace/`). */
  workspace: z
    .object({ preset: z.enum(['healthy', 'weak', 'huge']).default('healthy'), domain: z.string().min(1) })
    .optional(),
  aws: awsTenantWorld.optional(),
  faults: z.partialRecord(z.enum(SIMULATORS), faultSpec).default({}),
});

export const scenario = z.object({
  name: z.string().default('custom'),
  seed: z.number().int().default(1),
  /** The moment the world is generated at; sign-in dates count back from it. Defaults to the start time. */
  now: z.iso.datetime({ offset: true }).optional(),
  tenants: z.array(tenantWorld).min(1),
  faults: z.partialRecord(z.enum(SIMULATORS), faultSpec).default({}),
  /** Personal accounts the simulated GitHub App is installed on too, listed beside the orgs' installations. */
  githubAppUserInstallations: z.array(z.string().min(1)).default([]),
});

export type EntraWorld = z.infer<typeof entraWorld>;
export type EntraEdges = z.infer<typeof entraEdges>;
export type EntraPartner = z.infer<typeof entraPartner>;
export type GdapRelationship = z.infer<typeof gdapRelationship>;
export type GithubWorld = z.infer<typeof githubWorld>;
export type GcpWorld = z.infer<typeof gcpWorld>;
export type GcpProject = z.infer<typeof gcpProject>;
export type GcpSink = z.infer<typeof gcpSink>;
export type GcpExclusion = z.infer<typeof gcpExclusion>;
export type GcpDefaultSink = z.infer<typeof gcpDefaultSink>;
export type GcpFolder = z.infer<typeof gcpFolder>;
export type GcpNewestEntries = z.infer<typeof gcpNewestEntries>;
export type FaultSpec = z.infer<typeof faultSpec>;
export type TenantWorld = z.infer<typeof tenantWorld>;
export type Scenario = z.infer<typeof scenario>;
export type ScenarioInput = z.input<typeof scenario>;
export type CaPreset = (typeof CA_PRESETS)[number];
