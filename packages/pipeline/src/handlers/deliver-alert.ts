import { buildMessage, isPsaKind, ticketKeyOf } from '@evident/alerts';
import { channelFor, DeliveryError, type TicketReceipt } from '@evident/alerts/channels';
import { psaTicketRef } from '@evident/alerts/psa';
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
    row.tenantId ? store.getTenant(org, row.tenantId) : null,
  ]);
  const message = buildMessage(row.event, {
    deliveryId: row.id,
    organization: { id: organization.id, name: organization.name },
    tenant: tenant && { id: tenant.id, name: tenant.name },
    publicOrigin: deps.alerts.publicOrigin,
  });
  let receipt: TicketReceipt | undefined;
  const psa = isPsaKind(channel.kind) ? await psaTarget(deps, org, row) : undefined;
  try {
    if (psa === null) {
      throw new DeliveryError(
        tenant
          ? `tenant ${tenant.name} has no company mapped on this ${channel.kind} channel`
          : `the organization's own alerts have no company on this ${channel.kind} channel`,
        true,
      );
    }
    receipt = await channelFor(deps.egress, channel).send({
      message,
      idempotencyKey: row.id,
      signal: rt.signal,
      ...(psa ? { psa } : {}),
    });
  } catch (error) {
    if (rt.signal.aborted) throw error;
    const permanent = !(error instanceof DeliveryError) || error.permanent;
    const dead = permanent || meta.attempt >= meta.attempts;
    const text = error instanceof Error ? error.message : String(error);
    await store.recordAlertFailure(org, row.id, { error: text.slice(0, 4000), dead });
    rt.logger.warn({ outboxId: row.id, channelId: row.channelId, attempt: meta.attempt, dead }, 'alert not delivered');
    throw dead ? new UnrecoverableError(text) : error;
  }
  if (psa && row.tenantId && receipt?.ticketId && receipt.action !== 'none') {
    await store.recordAlertPsaTicket(org, {
      channelId: row.channelId,
      tenantId: row.tenantId,
      controlId: ticketKeyOf(row.event),
      ref: psa.ref,
      ticketId: receipt.ticketId,
      action: receipt.action,
      at: deps.now(),
    });
  }
  await store.markAlertDelivered(org, row.id, deps.now());
  rt.logger.info({ outboxId: row.id, channelId: row.channelId, kind: channel.kind, ...receipt }, 'alert delivered');
  return { outcome: 'delivered' };
}

/**
 * The tenant's company on a PSA channel and the ticket reference of its control (or of a notice's subject); null
 * when no company is mapped, or the alert is the organization's own.
 */
async function psaTarget(
  deps: WorkerDeps,
  org: Payload<'deliver-alert'>['organizationId'],
  row: Pick<Awaited<ReturnType<WorkerDeps['store']['getAlertDelivery']>>, 'channelId' | 'tenantId' | 'event'>,
) {
  if (!row.tenantId) return null;
  const company = await deps.store.alertPsaCompany(org, row.channelId, row.tenantId);
  if (!company) return null;
  return { companyId: company.companyId, ref: psaTicketRef(row.channelId, row.tenantId, ticketKeyOf(row.event)) };
}
