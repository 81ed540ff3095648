export { discoveryViolations } from './discovery.ts';
export {
  startWorkspaceSimulator,
  type WorkspaceFaults,
  type WorkspaceQuota,
  type WorkspaceSimulator,
} from './server.ts';
export { UNAUTHORIZED_CLIENT } from './token.ts';
export {
  SYSTEM_ROLES,
  WORKSPACE_SCOPES,
  type WorkspaceApplication,
  type WorkspacePreset,
  type WorkspaceRole,
  type WorkspaceRoleAssignment,
  type WorkspaceUser,
  type WorkspaceWorld,
  workspacePreset,
} from './world.ts';
