export {
  type GithubAccountConfig,
  type GithubAccountSecret,
  githubAccountConfig,
  githubAccountSecret,
} from './account.ts';
export { type ClientTuning, DEFAULT_TUNING } from './client.ts';
export { DEFAULT_API, type GithubConfig, type GithubSecret, githubConfig, githubSecret } from './config.ts';
export {
  createGithubConnector,
  GITHUB_PERMISSIONS,
  type GithubConnectorOptions,
  githubConnector,
} from './connector.ts';
export { type Endpoint, toConnectorError } from './errors.ts';
export { AUDIT_RETENTION_DAYS, administers, GIT_RETENTION_DAYS, REQUIREMENT_KEY } from './map.ts';
