import { randomUUID } from 'node:crypto';
import { type AlertEvent, alertEvent, dedupeKeyOf, isControlEvent } from '@evident/alerts';
import { CATALOG } from '@evident/controls';
import { ConflictError, InvalidInputError, type OrganizationId, type RunId, type TenantId } from '@evident/core';
import type { AlertDelivery, Store } from '@evident/db';
import type { ApiDeps } from '../context.ts';

/** A test's dedupe key: unlike a verdict change's, never the same twice, and recognisable in the log. */
const TEST_PREFIX = 'test:';
export const isTest = (d: AlertDelivery) => d.event.dedupeKey.startsWith(TEST_PREFIX);

/**
 * The event a test sends: a recovery (the least alarming change a receiver can get) of the catalog's first control,
 * named as a test in its reason, on the tenant's latest run. It changes no verdict.
 */
export function testEvent(tenantId: TenantId, runId: RunId, sentBy: string, at: Date): AlertEvent {
  const controlId = CATALOG[0]!.id;
  const base = { tenantId, controlId, transition: 'recovered_to_pass' as const, runId };
  return alertEvent.parse({
    ...base,
    type: 'control.recovered',
    previousRunId: runId,
    from: 'fail',
    to: 'pass',
    reason: `Test alert sent by ${sentBy} from Evident's alert settings; no verdict changed.`,
    at: at.toISOString(),
    dedupeKey: `${TEST_PREFIX}${randomUUID()}:${dedupeKeyOf(base)}`,
  });
}

/** The tenant a test is sent for: the one named, or the first assessed one; it must have been assessed. */
export async function testTenant(
  store: Store,
  org: OrganizationId,
  tenantId: TenantId | undefined,
): Promise<{ tenantId: TenantId; runId: RunId }> {
  const candidates = tenantId
    ? [(await store.getTenant(org, tenantId)).id]
    : (await store.assessedTenants(org)).map((t) => t.id);
  for (const id of candidates) {
    const runId = await store.latestRunOf(org, id);
    if (runId) return { tenantId: id, runId };
  }
  throw new InvalidInputError('a test alert is sent for an assessed tenant, and there is none yet', [
    { path: 'tenantId', message: 'run an assessment of the tenant first' },
  ]);
}

export function refuseUnlessDead(d: AlertDelivery): void {
  if (d.status !== 'dead')
    throw new ConflictError(`only a dead-lettered delivery can be retried; this one is ${d.status}`);
}

/**
 * Hands committed rows to the delivery queue. A queue that does not answer loses nothing: the rows stay pending and
 * the worker's sweep enqueues them after its grace, so the caller learns only whether they are queued already.
 */
export async function enqueueDeliveries(deps: ApiDeps, org: OrganizationId, rows: AlertDelivery[]): Promise<boolean> {
  if (!deps.alerts) return false;
  try {
    await deps.alerts.enqueue(org, rows);
    return true;
  } catch (err) {
    deps.logger.warn({ err, organizationId: org }, 'alert deliveries left to the sweep: the queue did not answer');
    return false;
  }
}

/** What leaves the API of a delivery: the change it told of, where it went, and how it went. */
export function toDeliveryOut(
  d: AlertDelivery,
  names: { tenants: ReadonlyMap<string, string>; channels: ReadonlyMap<string, { name: string; kind: string }> },
) {
  const channel = names.channels.get(d.channelId);
  const e = d.event;
  const control = isControlEvent(e) ? e : null;
  return {
    id: d.id,
    tenant: d.tenantId && { id: d.tenantId, name: names.tenants.get(d.tenantId) ?? d.tenantId },
    channel: { id: d.channelId, name: channel?.name ?? d.channelId, kind: channel?.kind ?? 'unknown' },
    test: isTest(d),
    type: e.type,
    transition: control?.transition ?? null,
    controlId: e.controlId,
    from: control?.from ?? null,
    to: control?.to ?? null,
    subject: isControlEvent(e) ? null : e.subject,
    reason: d.event.reason,
    at: d.event.at,
    status: d.status,
    attempts: d.attempts,
    round: d.round,
    lastError: d.lastError,
    createdAt: d.createdAt,
    deliveredAt: d.deliveredAt,
  };
}
