import { buildMessage } from '@evident/alerts';
import { channelFor, DeliveryError } from '@evident/alerts/channels';
import type { Payload } from '@evident/jobs';
import { UnrecoverableError } from 'bullmq';
import type { JobRuntime, WorkerDeps } from '../deps.ts';

export type DeliverOutcome = { outcome: 'delivered' } | { outcome: 'skipped'; status: 'delivered' | 'dead' };

/**
 * Sends one outbox row to its channel and marks it delivered. The row, not the job, is the truth: a row already
 * delivered is not sent again, and every attempt carries the row's id as its idempotency key. A permanent refusal,
 * or a failure on the last attempt, dead-letters the row with the error.
 */
export async function deliverAlert(
  deps: WorkerDeps,
  p: Payload<'deliver-alert'>,
  rt: JobRuntime,
  meta: { attempt: number; attempts: number },
): Promise<DeliverOutcome> {
  if (!deps.alerts) throw new UnrecoverableError('alert delivery is not configured on this worker');
  const { store } = deps;
  const org = p.organizationId;
  const row = await store.getAlertDelivery(org, p.outboxId);
  if (row.status !== 'pending') return { outcome: 'skipped', status: row.status };
  const [channel, organization, tenant] = await Promise.all([
    store.readAlertChannel(org, row.channelId),
    store.getOrganization(org),
    store.getTenant(org, row.tenantId),
  ]);
  const message = buildMessage(row.event, {
    deliveryId: row.id,
    organization: { id: organization.id, name: organization.name },
    tenant: { id: tenant.id, name: tenant.name },
    publicOrigin: deps.alerts.publicOrigin,
  });
  try {
    await channelFor(deps.egress, channel).send({ message, idempotencyKey: row.id, signal: rt.signal });
  } catch (error) {
    if (rt.signal.aborted) throw error;
    const permanent = !(error instanceof DeliveryError) || error.permanent;
    const dead = permanent || meta.attempt >= meta.attempts;
    const text = error instanceof Error ? error.message : String(error);
    await store.recordAlertFailure(org, row.id, { error: text.slice(0, 4000), dead });
    rt.logger.warn({ outboxId: row.id, channelId: row.channelId, attempt: meta.attempt, dead }, 'alert not delivered');
    throw dead ? new UnrecoverableError(text) : error;
  }
  await store.markAlertDelivered(org, row.id, deps.now());
  rt.logger.info({ outboxId: row.id, channelId: row.channelId, kind: channel.kind }, 'alert delivered');
  return { outcome: 'delivered' };
}
