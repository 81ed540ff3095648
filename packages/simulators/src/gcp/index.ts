export { type ActivityEntry, AUDIT_LOG_PROTO_JSON, AUDIT_LOG_TYPE_URL, GcpTrail } from './activity.ts';
export type { GcpQuotaOptions } from './quota.ts';
export { GCP_PERMISSIONS } from './rpcs.ts';
export { GcpScenarioError, type GcpSimulator, type GcpSimulatorOptions, startGcpSimulator } from './server.ts';
export {
  type GcpResource,
  type GcpWorldView,
  gcpWorldView,
  type IamPolicy,
  type LogBucket,
  type LogSink,
  type LogType,
} from './world-view.ts';
