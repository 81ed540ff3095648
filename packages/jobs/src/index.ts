export { type Handlers, JOBS, type JobName, jobId, type Payload, parsePayload } from './catalog.ts';
export {
  type CollectTarget,
  collectPriority,
  DEFAULT_INTERVAL_MS,
  enqueueAlertDeliveries,
  enqueueAssessment,
  enqueueExport,
  getExportSchedule,
  type JobsConnection,
  removeExportSchedule,
  removeTenantSchedule,
  type Schedule,
  upsertExportSchedule,
  upsertTenantSchedule,
} from './enqueue.ts';
export { QueueUnavailableError, queueReady, READY_WAIT_MS } from './ready.ts';
export { enqueueReassess, listWatchSchedules, removeWatchSchedule, upsertWatchSchedule } from './watch.ts';
