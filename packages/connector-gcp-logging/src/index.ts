export { type GcpAccountConfig, type GcpAccountSecret, gcpAccountConfig, gcpAccountSecret } from './account.ts';
export type { DataAccessState } from './audit.ts';
export { DEFAULT_TUNING, type Tuning } from './calls.ts';
export { type GcpLoggingConfig, type GcpLoggingSecret, gcpLoggingConfig, gcpLoggingSecret } from './config.ts';
export { createGcpLoggingConnector, GCP_PERMISSIONS, gcpLoggingConnector } from './connector.ts';
export { DATA_ACCESS_SETTING } from './facts.ts';
export { GCP_CATEGORIES, type GcpCategory } from './routing.ts';
