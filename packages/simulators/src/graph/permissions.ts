/**
 * Application permissions the simulated app registration was granted: the least-privileged set a read-only
 * connector asks for. Directory.Read.All is in it because sign-ins need it, so it also covers users, groups and roles.
 */
export const GRANTED_PERMISSIONS = [
  'AuditLog.Read.All',
  'Directory.Read.All',
  'User.Read.All',
  'GroupMember.Read.All',
  'Policy.Read.All',
  'Policy.Read.AuthenticationMethod',
  'RoleManagement.Read.Directory',
  'Organization.Read.All',
  'PrivilegedEligibilitySchedule.Read.AzureADGroup',
  'RoleManagementPolicy.Read.Directory',
] as const;

/** What the MSP's app needs in its partner tenant to list GDAP customers and relationships. */
export const GDAP_PERMISSION = 'DelegatedAdminRelationship.Read.All';

/** Every inner list needs one of its permissions; all inner lists must be met. */
export type Requirement = readonly (readonly string[])[];

export const needs = {
  auditLog: [['AuditLog.Read.All']],
  signIns: [['AuditLog.Read.All'], ['Directory.Read.All']],
  users: [['User.Read.All', 'User.ReadBasic.All', 'Directory.Read.All']],
  usersWithSignInActivity: [['User.Read.All', 'Directory.Read.All'], ['AuditLog.Read.All']],
  groupMembers: [['GroupMember.Read.All', 'Group.Read.All', 'Directory.Read.All']],
  group: [['GroupMember.Read.All', 'Group.Read.All', 'Directory.Read.All']],
  roleAssignments: [['RoleManagement.Read.Directory', 'RoleManagement.Read.All', 'Directory.Read.All']],
  policy: [['Policy.Read.All']],
  roleManagementPolicies: [['RoleManagementPolicy.Read.Directory', 'RoleManagement.Read.Directory']],
  groupEligibility: [['PrivilegedEligibilitySchedule.Read.AzureADGroup', 'PrivilegedAccess.Read.AzureADGroup']],
  conditionalAccess: [['Policy.Read.All', 'Policy.Read.ConditionalAccess']],
  authenticationMethodsPolicy: [['Policy.Read.AuthenticationMethod', 'Policy.Read.All']],
  organization: [['Organization.Read.All', 'Directory.Read.All']],
  gdap: [[GDAP_PERMISSION, 'DelegatedAdminRelationship.ReadWrite.All']],
} satisfies Record<string, Requirement>;

export function heldPermissions(
  revoked: string | undefined,
  granted: readonly string[] = GRANTED_PERMISSIONS,
): Set<string> {
  const held = new Set<string>(granted);
  // Several permissions may be revoked at once, comma-separated: a read that any of them allows is then refused.
  for (const p of revoked?.split(',') ?? []) held.delete(p.trim());
  return held;
}

export function satisfies(requirement: Requirement, held: ReadonlySet<string>): boolean {
  return requirement.every((anyOf) => anyOf.some((p) => held.has(p)));
}
