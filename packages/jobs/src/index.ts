export { type Handlers, JOBS, type JobName, jobId, type Payload, parsePayload } from './catalog.ts';
export {
  DEFAULT_INTERVAL_MS,
  enqueueAssessment,
  type JobsConnection,
  removeTenantSchedule,
  type Schedule,
  upsertTenantSchedule,
} from './enqueue.ts';
