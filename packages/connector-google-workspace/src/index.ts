export { SCOPES as GOOGLE_WORKSPACE_SCOPES } from './client.ts';
export { ENFORCEMENT_SETTING, METHODS_SETTING } from './collect.ts';
export {
  type GoogleWorkspaceConfig,
  type GoogleWorkspaceSecret,
  googleWorkspaceConfig,
  googleWorkspaceSecret,
} from './config.ts';
export {
  createGoogleWorkspaceConnector,
  GOOGLE_WORKSPACE_PERMISSIONS,
  googleWorkspaceConnector,
} from './connector.ts';
export { AUDIT_RETENTION_DAYS } from './map.ts';
export { DEFAULT_TUNING, type Tuning } from './read.ts';
