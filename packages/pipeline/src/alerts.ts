import { isPsaKind } from '@evident/alerts';
import { psaClientFor, resolvePsaCompany } from '@evident/alerts/psa';
import type { EgressPolicy } from '@evident/connector-kit';
import { InvalidInputError, type OrganizationId, type TenantId } from '@evident/core';
import type { AlertDelivery, AlertPsaCompany, Store } from '@evident/db';
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

/**
 * Maps a tenant to its company on a PSA channel, after asking the PSA: an unknown company (or a PSA that cannot be
 * asked) is refused with a clear message, and nothing is saved.
 */
export async function mapPsaCompany(
  store: Store,
  egress: EgressPolicy,
  org: OrganizationId,
  input: { channelId: string; tenantId: TenantId; company: string },
): Promise<AlertPsaCompany> {
  const channel = await store.readAlertChannel(org, input.channelId);
  if (!isPsaKind(channel.kind)) {
    throw new InvalidInputError(`alert channel ${channel.name} is not a PSA`, [
      { path: 'channelId', message: 'not a PSA channel' },
    ]);
  }
  await store.getTenant(org, input.tenantId);
  const company = await resolvePsaCompany(psaClientFor(egress, { ...channel, kind: channel.kind }), input.company);
  return store.setAlertPsaCompany(org, {
    channelId: channel.id,
    tenantId: input.tenantId,
    companyId: company.id,
    companyName: company.name,
  });
}
