export { type AuditEvent, type AuditLogView, githubAuditLog } from './audit-events.ts';
export { type LazyList, slice, toArray } from './lazy-list.ts';
export type { GithubRateLimitOptions } from './rate-limits.ts';
export { GITHUB_PERMISSIONS } from './routes.ts';
export {
  type GithubSimulator,
  type GithubSimulatorOptions,
  githubConnectionSecret,
  startGithubSimulator,
} from './server.ts';
export { GithubScenarioError } from './tenants.ts';
export { GithubTrail } from './trail.ts';
export {
  type GithubOrgView,
  type GithubUser,
  githubOrg,
  githubScopes,
  githubToken,
  githubTokens,
  MEMBER_FILTERS,
  MEMBER_ROLES,
  type MemberFilter,
  type MemberRole,
} from './world.ts';
