import { type AlertEvent, alertEvent, alertRuleInput } from '@evident/alerts';
import { idSchema, type OrganizationId, type RunId, type TenantId } from '@evident/core';
import { and, desc, eq, lt, or } from 'drizzle-orm';
import { z } from 'zod';
import { seal } from '../crypto.ts';
import { alertChannels, alertMutes, alertOutbox, alertRules } from '../schema/alerts.ts';
import { assessmentRuns } from '../schema/runs.ts';
import { tenants as tenantsTable } from '../schema/tenants.ts';
import { type AlertChannel, type AlertDelivery, alertId, channelSecretContext, rowToRule } from './alerts.ts';
import { found, iso, isoOrNull, parseInput, type RepoContext } from './boundary.ts';
import { tenantsRepo } from './tenants.ts';

const channelChange = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  config: z.record(z.string(), z.json()).optional(),
  /** Checked for its kind and against the egress policy by the caller; sealed here, never returned. */
  secret: z.record(z.string(), z.json()).optional(),
});

const pageInput = z.strictObject({
  tenantId: idSchema('ten').optional(),
  status: z.enum(['pending', 'delivered', 'dead']).optional(),
  /** The last row of the previous page: `createdAt` and `id`, newest first. */
  after: z.strictObject({ createdAt: z.iso.datetime({ offset: true }), id: z.string().min(1) }).optional(),
  limit: z.number().int().min(1).max(200).default(50),
});
export type AlertDeliveryPageInput = z.input<typeof pageInput>;

const testInput = z.strictObject({ channelId: z.string().min(1), event: alertEvent });

type OutboxRow = typeof alertOutbox.$inferSelect;
const rowToDelivery = (r: OutboxRow): AlertDelivery => ({
  id: r.id,
  tenantId: r.tenantId,
  channelId: r.channelId,
  event: alertEvent.parse(r.event),
  status: r.status,
  attempts: r.attempts,
  round: r.round,
  lastError: r.lastError,
  createdAt: iso(r.createdAt),
  deliveredAt: isoOrNull(r.deliveredAt),
});

/** What the settings pages need beyond the delivery path: edits, removals, pages of the log, test sends. */
export function alertAdminRepo(ctx: RepoContext) {
  const { db, keyring } = ctx;
  const tenants = tenantsRepo(ctx);
  const channelKey = (org: OrganizationId, id: string) =>
    and(eq(alertChannels.organizationId, org), eq(alertChannels.id, id));

  return {
    async getAlertChannel(org: OrganizationId, id: string): Promise<AlertChannel> {
      const [r] = await db.select().from(alertChannels).where(channelKey(org, id));
      const row = found(r, 'alert channel', id);
      return { id: row.id, kind: row.kind, name: row.name, config: row.config, createdAt: iso(row.createdAt) };
    },

    /** Renames, re-points or re-keys a channel; a new secret is sealed and replaces the old one whole. */
    async updateAlertChannel(org: OrganizationId, id: string, input: z.input<typeof channelChange>): Promise<void> {
      const v = parseInput(channelChange, input, 'alert channel change');
      const sealed = v.secret && seal(keyring, JSON.stringify(v.secret), channelSecretContext(org, id));
      const rows = await db
        .update(alertChannels)
        .set({
          ...(v.name ? { name: v.name } : {}),
          ...(v.config ? { config: v.config } : {}),
          ...(sealed
            ? {
                secretCiphertext: sealed.ciphertext,
                secretIv: sealed.iv,
                secretTag: sealed.tag,
                secretKeyId: sealed.keyId,
              }
            : {}),
        })
        .where(channelKey(org, id))
        .returning({ id: alertChannels.id });
      found(rows[0], 'alert channel', id);
    },

    /** Removes a channel with its rules and its delivery log. */
    async removeAlertChannel(org: OrganizationId, id: string): Promise<void> {
      const rows = await db.delete(alertChannels).where(channelKey(org, id)).returning({ id: alertChannels.id });
      found(rows[0], 'alert channel', id);
    },

    async updateAlertRule(org: OrganizationId, id: string, input: z.input<typeof alertRuleInput>) {
      const v = parseInput(alertRuleInput, input, 'alert rule');
      found(
        (await db.select().from(alertChannels).where(channelKey(org, v.channelId)))[0],
        'alert channel',
        v.channelId,
      );
      if (v.tenantId) await tenants.getTenant(org, idSchema('ten').parse(v.tenantId));
      const [row] = await db
        .update(alertRules)
        .set({ ...v, tenantId: v.tenantId as TenantId | null })
        .where(and(eq(alertRules.organizationId, org), eq(alertRules.id, id)))
        .returning();
      return rowToRule(found(row, 'alert rule', id));
    },

    async listAlertMutes(org: OrganizationId): Promise<{ tenantId: TenantId; until: string }[]> {
      const rows = await db.select().from(alertMutes).where(eq(alertMutes.organizationId, org));
      return rows.map((r) => ({ tenantId: r.tenantId, until: iso(r.until) }));
    },

    /** Newest first, a page at a time (keyset on creation time and id), dead letters with their error. */
    async pageAlertDeliveries(org: OrganizationId, input: AlertDeliveryPageInput = {}) {
      const v = parseInput(pageInput, input, 'delivery page');
      const after = v.after && new Date(v.after.createdAt);
      const rows = await db
        .select()
        .from(alertOutbox)
        .where(
          and(
            eq(alertOutbox.organizationId, org),
            v.tenantId ? eq(alertOutbox.tenantId, v.tenantId) : undefined,
            v.status ? eq(alertOutbox.status, v.status) : undefined,
            after && v.after
              ? or(
                  lt(alertOutbox.createdAt, after),
                  and(eq(alertOutbox.createdAt, after), lt(alertOutbox.id, v.after.id)),
                )
              : undefined,
          ),
        )
        .orderBy(desc(alertOutbox.createdAt), desc(alertOutbox.id))
        .limit(v.limit + 1);
      const items = rows.slice(0, v.limit).map(rowToDelivery);
      const last = items.at(-1);
      return { items, next: rows.length > v.limit && last ? { createdAt: last.createdAt, id: last.id } : null };
    },

    /** The tenant's latest assessment run, which a test alert names (an outbox row belongs to a run). */
    async latestRunOf(org: OrganizationId, tenantId: TenantId): Promise<RunId | null> {
      const [row] = await db
        .select({ id: assessmentRuns.id })
        .from(assessmentRuns)
        .where(and(eq(assessmentRuns.organizationId, org), eq(assessmentRuns.tenantId, tenantId)))
        .orderBy(desc(assessmentRuns.startedAt), desc(assessmentRuns.id))
        .limit(1);
      return (row?.id as RunId | undefined) ?? null;
    },

    /** Tenants of the organization that have been assessed at least once, by name: where a test may be sent for. */
    async assessedTenants(org: OrganizationId): Promise<{ id: TenantId; name: string }[]> {
      const rows = await db
        .selectDistinct({ id: tenantsTable.id, name: tenantsTable.name })
        .from(tenantsTable)
        .innerJoin(
          assessmentRuns,
          and(
            eq(assessmentRuns.organizationId, tenantsTable.organizationId),
            eq(assessmentRuns.tenantId, tenantsTable.id),
          ),
        )
        .where(eq(tenantsTable.organizationId, org))
        .orderBy(tenantsTable.name, tenantsTable.id);
      return rows.map((r) => ({ id: r.id as TenantId, name: r.name }));
    },

    /** A test alert to one channel: a pending outbox row like any other, delivered by the same job. */
    async addTestAlert(org: OrganizationId, input: { channelId: string; event: AlertEvent }): Promise<AlertDelivery> {
      const v = parseInput(testInput, input, 'test alert');
      found(
        (await db.select().from(alertChannels).where(channelKey(org, v.channelId)))[0],
        'alert channel',
        v.channelId,
      );
      if (v.event.tenantId) await tenants.getTenant(org, v.event.tenantId as TenantId);
      const [row] = await db
        .insert(alertOutbox)
        .values({
          id: alertId('alo'),
          organizationId: org,
          tenantId: v.event.tenantId as TenantId | null,
          channelId: v.channelId,
          runId: v.event.runId as RunId | null,
          dedupeKey: v.event.dedupeKey,
          event: v.event,
        })
        .returning();
      return rowToDelivery(row!);
    },
  };
}
