export { type AwsConfig, type AwsSecret, awsConfig, awsSecret } from './config.ts';
export { type AwsConnectorOptions, awsConnector, createAwsConnector } from './connector.ts';
export { deniedAction, toConnectorError } from './errors.ts';
export { deniesWithoutMfa, grantsAdmin, statements } from './iam/policy.ts';
export { parseReport, type ReportRow } from './iam/report.ts';
export { lifecycleDays, NEVER_EXPIRES_DAYS, trailLogPrefix } from './logs/lifecycle.ts';
export { EVENT_HISTORY_DAYS } from './logs/trails.ts';
export { AWS_PERMISSIONS } from './permissions.ts';
