import type { OrganizationId } from '@evident/core';
import type { AlertDelivery, Store } from '@evident/db';
import { enqueueAlertDeliveries, type JobsConnection } from '@evident/jobs';

/**
 * Retries a dead-lettered alert: the row goes back to pending in a new round, and its delivery is enqueued under
 * that round's job id. A row that is not dead is returned as it is, and nothing is enqueued.
 */
export async function retryAlertDelivery(
  store: Store,
  jobs: JobsConnection,
  org: OrganizationId,
  id: string,
  retry?: { attempts: number; backoffMs: number },
): Promise<AlertDelivery> {
  const before = await store.getAlertDelivery(org, id);
  if (before.status !== 'dead') return before;
  const row = await store.retryAlertDelivery(org, id);
  await enqueueAlertDeliveries(jobs, org, [row], retry);
  return row;
}
