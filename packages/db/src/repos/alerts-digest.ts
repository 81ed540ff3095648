import { type AlertEvent, alertEvent } from '@evident/alerts';
import type { OrganizationId } from '@evident/core';
import { and, asc, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { alertDigestItems, alertDigests, alertRules } from '../schema/alerts.ts';
import { alertId } from './alerts.ts';
import { found, iso, isoOrNull, type RepoContext } from './boundary.ts';

export interface AlertDigest {
  id: string;
  ruleId: string;
  channelId: string;
  periodEnd: string;
  status: 'pending' | 'delivered' | 'dead';
  attempts: number;
  lastError: string | null;
  deliveredAt: string | null;
  events: AlertEvent[];
}

/** Digests: the events a digest rule gathered, one message per rule and period, sent under a lease. */
export function alertDigestRepo(ctx: RepoContext) {
  const { db } = ctx;
  const byId = (org: OrganizationId, id: string) => and(eq(alertDigests.organizationId, org), eq(alertDigests.id, id));
  const load = async (org: OrganizationId, row: typeof alertDigests.$inferSelect): Promise<AlertDigest> => {
    const items = await db
      .select({ event: alertDigestItems.event })
      .from(alertDigestItems)
      .where(and(eq(alertDigestItems.organizationId, org), eq(alertDigestItems.digestId, row.id)))
      .orderBy(asc(alertDigestItems.createdAt), asc(alertDigestItems.dedupeKey));
    return {
      id: row.id,
      ruleId: row.ruleId,
      channelId: row.channelId,
      periodEnd: iso(row.periodEnd),
      status: row.status,
      attempts: row.attempts,
      lastError: row.lastError,
      deliveredAt: isoOrNull(row.deliveredAt),
      events: items.map((i) => alertEvent.parse(i.event)),
    };
  };

  return {
    /**
     * Gathers the rule's waiting events from before `periodEnd` into that period's digest; a second call for the
     * same period adds nothing (events arriving later wait for the next one). Returns the digest's id, if any.
     */
    async openAlertDigest(org: OrganizationId, ruleId: string, periodEnd: Date): Promise<string | null> {
      const waiting = and(
        eq(alertDigestItems.organizationId, org),
        eq(alertDigestItems.ruleId, ruleId),
        isNull(alertDigestItems.digestId),
        lt(alertDigestItems.createdAt, periodEnd),
      );
      const [{ n } = { n: 0 }] = await db
        .select({ n: sql<number>`count(*)::int` })
        .from(alertDigestItems)
        .where(waiting);
      if (n === 0) return null;
      const [rule] = await db
        .select({ channelId: alertRules.channelId })
        .from(alertRules)
        .where(and(eq(alertRules.organizationId, org), eq(alertRules.id, ruleId)));
      const id = alertId('ald');
      const made = await db
        .insert(alertDigests)
        .values({
          id,
          organizationId: org,
          ruleId,
          channelId: found(rule, 'alert rule', ruleId).channelId,
          periodEnd,
          items: n,
        })
        .onConflictDoNothing({ target: [alertDigests.organizationId, alertDigests.ruleId, alertDigests.periodEnd] })
        .returning({ id: alertDigests.id });
      if (made.length === 0) return null;
      await db.update(alertDigestItems).set({ digestId: id }).where(waiting);
      return id;
    },

    /** Takes the rule's oldest unsent digest whose lease is free, holding it until `leaseUntil`. */
    async claimAlertDigest(
      org: OrganizationId,
      ruleId: string,
      now: Date,
      leaseUntil: Date,
    ): Promise<AlertDigest | null> {
      const [row] = await db
        .select()
        .from(alertDigests)
        .where(
          and(
            eq(alertDigests.organizationId, org),
            eq(alertDigests.ruleId, ruleId),
            eq(alertDigests.status, 'pending'),
            or(isNull(alertDigests.leaseUntil), lt(alertDigests.leaseUntil, now)),
          ),
        )
        .orderBy(asc(alertDigests.periodEnd))
        .limit(1)
        .for('update', { skipLocked: true });
      if (!row) return null;
      await db.update(alertDigests).set({ leaseUntil }).where(byId(org, row.id));
      return load(org, row);
    },

    async markAlertDigestDelivered(org: OrganizationId, id: string, at: Date): Promise<void> {
      await db
        .update(alertDigests)
        .set({ status: 'delivered', deliveredAt: at, attempts: sql`${alertDigests.attempts} + 1`, lastError: null })
        .where(and(byId(org, id), eq(alertDigests.status, 'pending')));
    },

    /** Counts a failed send: retried once the lease `retryAt` passes, or dead-lettered. */
    async recordAlertDigestFailure(
      org: OrganizationId,
      id: string,
      failure: { error: string; dead: boolean; retryAt: Date },
    ): Promise<void> {
      await db
        .update(alertDigests)
        .set({
          attempts: sql`${alertDigests.attempts} + 1`,
          lastError: failure.error.slice(0, 4000),
          leaseUntil: failure.retryAt,
          ...(failure.dead ? { status: 'dead' as const } : {}),
        })
        .where(and(byId(org, id), eq(alertDigests.status, 'pending')));
    },

    async getAlertDigest(org: OrganizationId, id: string): Promise<AlertDigest> {
      const [row] = await db.select().from(alertDigests).where(byId(org, id));
      return load(org, found(row, 'alert digest', id));
    },

    async listAlertDigests(org: OrganizationId): Promise<Omit<AlertDigest, 'events'>[]> {
      const rows = await db
        .select()
        .from(alertDigests)
        .where(eq(alertDigests.organizationId, org))
        .orderBy(asc(alertDigests.periodEnd), asc(alertDigests.id))
        .limit(500);
      return rows.map((r) => ({
        id: r.id,
        ruleId: r.ruleId,
        channelId: r.channelId,
        periodEnd: iso(r.periodEnd),
        status: r.status,
        attempts: r.attempts,
        lastError: r.lastError,
        deliveredAt: isoOrNull(r.deliveredAt),
      }));
    },

    /** Puts a dead digest back to pending, its attempts counted afresh. */
    async retryAlertDigest(org: OrganizationId, id: string): Promise<void> {
      await db
        .update(alertDigests)
        .set({ status: 'pending', attempts: 0, leaseUntil: null })
        .where(and(byId(org, id), eq(alertDigests.status, 'dead')));
    },
  };
}
