export { mapPsaCompany, retryAlertDelivery } from './alerts.ts';
export { assessNow, RunTimeoutError, reevaluate, waitForRun } from './assess-now.ts';
export { AUDIT_WATCH_INTERVAL_MS, type AuditWatchOptions, watchAuditChains } from './audit-watch.ts';
export { type ConnectorRegistry, connectorFor, DEFAULT_CONNECTORS } from './connectors.ts';
export { sweepDigests } from './digests.ts';
export {
  DEFAULT_FIRST_RUN_SPREAD,
  enqueueImport,
  type FirstRunSpread,
  firstRunId,
  queueFirstRuns,
} from './import-queue.ts';
export { createLogger, REDACTED_PATHS } from './logger.ts';
export { processJob } from './process-job.ts';
export { openRun, type RunRecord, runIdFor } from './runs.ts';
export { syncSchedules } from './schedules.ts';
export { type RedisRole, type RunningWorker, type StartWorkerOptions, startWorker } from './start-worker.ts';
export { isCollectionFailure, type Verdict, watchFacts } from './verdict.ts';
