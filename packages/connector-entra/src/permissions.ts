import type { PermissionSpec } from '@evident/connector-kit';

/** What the MSP's app needs in its partner tenant to list the GDAP customers and relationships. */
export const GDAP_PERMISSION = 'DelegatedAdminRelationship.Read.All';
export const P1_LICENCE = 'Microsoft Entra ID P1 or P2';
export const GOVERNANCE_LICENCE = 'Microsoft Entra ID P2 or Microsoft Entra ID Governance';
export const GROUP_ELIGIBILITY_PERMISSION = 'PrivilegedEligibilitySchedule.Read.AzureADGroup';
export const ROLE_POLICY_PERMISSION = 'RoleManagementPolicy.Read.Directory';
/** Entra's diagnostic settings live at the tenant-root scope `/providers/Microsoft.aadiam`, not in a subscription. */
export const DIAGNOSTICS_ROLE = 'Monitoring Reader (or Reader) on the scope /providers/Microsoft.aadiam';
export const WORKSPACE_READER = 'Reader on the Log Analytics workspace';
/** Lifecycle rules, the account's version-level immutability, and each log container's policy and legal hold. */
export const STORAGE_READER = 'Reader on the storage account';

export const ENTRA_PERMISSIONS: PermissionSpec[] = [
  { name: 'AuditLog.Read.All', kind: 'permission', why: 'MFA registration report, audit and sign-in log probes' },
  {
    name: 'Policy.Read.All',
    kind: 'permission',
    why: 'conditional-access policies, security defaults, and cross-tenant access (B2B direct connect, inbound MFA trust)',
  },
  {
    name: 'Policy.Read.AuthenticationMethod',
    kind: 'permission',
    why: 'which weak methods (SMS, voice, e-mail) are allowed',
  },
  { name: 'RoleManagement.Read.Directory', kind: 'permission', why: 'who holds privileged directory roles' },
  {
    name: GROUP_ELIGIBILITY_PERMISSION,
    kind: 'permission',
    why: 'eligible members of role-assignable groups (PIM for Groups)',
    optional: true,
  },
  {
    name: ROLE_POLICY_PERMISSION,
    kind: 'permission',
    why: 'what PIM demands to activate an eligible role (MFA, an authentication context)',
    optional: true,
  },
  { name: 'GroupMember.Read.All', kind: 'permission', why: 'members of groups that policies include or exclude' },
  { name: 'Organization.Read.All', kind: 'permission', why: 'the licence tier, which sets log retention' },
  {
    name: 'User.Read.All',
    kind: 'permission',
    why:
      'who is a guest or external user (userType, creationType, externalUserState, identities); users, when the ' +
      'registration report needs a licence the tenant lacks',
    optional: true,
  },
  {
    name: 'Directory.Read.All',
    kind: 'permission',
    why: 'when the last sign-in was logged (Microsoft requires it beside AuditLog.Read.All for sign-ins)',
    optional: true,
  },
  { name: P1_LICENCE, kind: 'licence', why: 'registration report, conditional access, 30-day logs', optional: true },
  { name: GOVERNANCE_LICENCE, kind: 'licence', why: 'who is eligible for privileged roles (PIM)', optional: true },
  {
    name: DIAGNOSTICS_ROLE,
    kind: 'role',
    why: 'where sign-in and audit logs are exported, and for how long',
    optional: true,
  },
  {
    name: WORKSPACE_READER,
    kind: 'role',
    why: 'how long each Log Analytics table that receives the logs keeps them',
    optional: true,
  },
  {
    name: STORAGE_READER,
    kind: 'role',
    why: 'how long a storage account that receives the logs keeps them, and whether they are locked (immutability, legal holds)',
    optional: true,
  },
];

/**
 * What the MSP's multi-tenant app needs: in its partner tenant, the GDAP reads that discover customers; in each
 * customer's, by admin consent, what a connection needs.
 */
export const ENTRA_ACCOUNT_PERMISSIONS: PermissionSpec[] = [
  {
    name: GDAP_PERMISSION,
    kind: 'permission',
    why: 'in the partner tenant: the GDAP customers and relationships (roles granted, status, end date)',
  },
  ...ENTRA_PERMISSIONS,
];
