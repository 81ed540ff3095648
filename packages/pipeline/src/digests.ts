import { buildDigest, digestDue } from '@evident/alerts';
import { DeliveryError, sendDigest } from '@evident/alerts/channels';
import type { OrganizationId } from '@evident/core';
import { type AlertDigest, type Database, digestWork } from '@evident/db';
import type { Logger } from 'pino';
import type { WorkerDeps } from './deps.ts';

export const DIGEST_DEFAULTS = { leaseMs: 120_000, attempts: 6, backoffMs: 5_000 };

/**
 * One digest sweep: every digest rule with waiting events gathers those from before its latest scheduled time into
 * that period's digest (one per rule and period, whatever the number of tenants), and every digest not yet sent is
 * sent under a lease. A sender that dies holding the lease leaves the digest to the next sweep after it; the digest's
 * id is its idempotency key (and e-mail `Message-ID`), so a receiver drops such a repeat.
 */
export async function sweepDigests(
  deps: WorkerDeps,
  database: Database,
  logger: Logger,
  options: Partial<typeof DIGEST_DEFAULTS> = {},
): Promise<number> {
  if (!deps.alerts) return 0;
  const o = { ...DIGEST_DEFAULTS, ...options };
  const now = deps.now();
  let sent = 0;
  for (const { organizationId: org, ruleId } of await digestWork(database, now)) {
    const rule = (await deps.store.listAlertRules(org)).find((r) => r.id === ruleId);
    if (!rule?.digest) continue;
    await deps.store.openAlertDigest(org, ruleId, digestDue(rule.digest, now));
    for (;;) {
      const digest = await deps.store.claimAlertDigest(org, ruleId, now, new Date(now.getTime() + o.leaseMs));
      if (!digest) break;
      if (await sendOne(deps, org, digest, o, logger)) sent++;
      else break;
    }
  }
  return sent;
}

async function sendOne(
  deps: WorkerDeps,
  org: OrganizationId,
  d: AlertDigest,
  o: typeof DIGEST_DEFAULTS,
  logger: Logger,
): Promise<boolean> {
  const { store } = deps;
  const [channel, organization, tenants] = await Promise.all([
    store.readAlertChannel(org, d.channelId),
    store.getOrganization(org),
    store.listTenants(org),
  ]);
  const names = new Map(tenants.map((t) => [t.id as string, t.name]));
  const message = buildDigest(d.events, {
    digestId: d.id,
    periodEnd: d.periodEnd,
    organization: { id: organization.id, name: organization.name },
    tenantName: (id) => names.get(id) ?? id,
    publicOrigin: deps.alerts!.publicOrigin,
  });
  try {
    await sendDigest(deps.egress, channel, message);
  } catch (error) {
    const permanent = !(error instanceof DeliveryError) || error.permanent;
    const dead = permanent || d.attempts + 1 >= o.attempts;
    const text = error instanceof Error ? error.message : String(error);
    const retryAt = new Date(deps.now().getTime() + o.backoffMs * 2 ** d.attempts);
    await store.recordAlertDigestFailure(org, d.id, { error: text, dead, retryAt });
    logger.warn({ digestId: d.id, channelId: d.channelId, attempt: d.attempts + 1, dead }, 'digest not delivered');
    return false;
  }
  await store.markAlertDigestDelivered(org, d.id, deps.now());
  logger.info({ digestId: d.id, channelId: d.channelId, changes: d.events.length }, 'digest delivered');
  return true;
}
