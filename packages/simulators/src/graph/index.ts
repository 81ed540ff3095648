export type { Actor, DirectoryChanges } from './changes.ts';
export { GRANTED_PERMISSIONS } from './permissions.ts';
export { type GraphSimulator, type GraphSimulatorOptions, startGraphSimulator } from './server.ts';
export {
  type AuthenticationStrength,
  type ConditionalAccessPolicy,
  PHISHING_RESISTANT_STRENGTH,
} from './world/ca-policy.ts';
export { type DiagnosticDestination, diagnosticDestinations, managingTenantId } from './world/diagnostics.ts';
export { type DirectoryCounts, type EntraDirectory, entraDirectory } from './world/directory.ts';
export { type EventLog, nativeRetentionDays } from './world/events.ts';
export type { DirectoryGroup, GroupMember, IndexRange, MemberList } from './world/groups.ts';
export { EntraWorldError, type Layout, type UserCategory } from './world/layout.ts';
export type { EntraMethod, Registration } from './world/methods.ts';
export type { DirectoryRoleAssignment } from './world/role-assignments.ts';
export {
  ADMIN_ROLE_TEMPLATE_IDS,
  DIRECTORY_ROLE_TEMPLATES,
  type DirectoryRoleTemplate,
  type EntraRole,
  ROLE_TEMPLATE_IDS,
  roleDisplayName,
} from './world/roles.ts';
export type { DirectoryUser } from './world/users.ts';
