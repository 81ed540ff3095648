export { assessNow, RunTimeoutError, syncSchedules, waitForRun } from './api.ts';
export { type ConnectorRegistry, DEFAULT_CONNECTORS } from './connectors.ts';
export { createLogger, REDACTED_PATHS } from './logger.ts';
export { type RedisRole, type RunningWorker, type StartWorkerOptions, startWorker } from './start-worker.ts';
