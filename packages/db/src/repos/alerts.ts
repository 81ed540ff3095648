import { randomBytes } from 'node:crypto';
import {
  type AlertEvent,
  type AlertRule,
  alertEvent,
  alertRuleInput,
  type ChannelKind,
  channelKind,
  isPsaKind,
  type NoticeEvent,
  noticeEvent,
} from '@evident/alerts';
import { InvalidInputError, idSchema, type OrganizationId, type TenantId } from '@evident/core';
import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { seal, unseal } from '../crypto.ts';
import { alertChannels, alertMutes, alertOutbox, alertRules } from '../schema/alerts.ts';
import { writeNoticeOutbox } from './alert-outbox.ts';
import { alertDigestRepo } from './alerts-digest.ts';
import { alertPsaRepo } from './alerts-psa.ts';
import { found, iso, isoOrNull, parseInput, type RepoContext } from './boundary.ts';
import { tenantsRepo } from './tenants.ts';

/** `ach_`, `alr_`, `alo_`, `ald_` and 32 random hex digits: alert rows are not among the core's typed ids. */
export const alertId = (prefix: 'ach' | 'alr' | 'alo' | 'ald') => `${prefix}_${randomBytes(16).toString('hex')}`;

export interface AlertChannel {
  id: string;
  kind: ChannelKind;
  name: string;
  config: Record<string, unknown>;
  createdAt: string;
}

export interface AlertDelivery {
  id: string;
  /** Null for the organization's own notices (its audit log). */
  tenantId: TenantId | null;
  channelId: string;
  event: AlertEvent;
  status: 'pending' | 'delivered' | 'dead';
  attempts: number;
  round: number;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
}

const channelInput = z.strictObject({
  kind: channelKind,
  name: z.string().trim().min(1).max(200),
  config: z.record(z.string(), z.json()),
  /** Checked for its kind (and against the egress policy) by `parseChannelSettings` before it comes here. */
  secret: z.record(z.string(), z.json()),
});
export type CreateAlertChannelInput = z.input<typeof channelInput>;

const muteInput = z.strictObject({ tenantId: idSchema('ten'), until: z.date().nullable() });
const failureInput = z.strictObject({ error: z.string().min(1).max(4000), dead: z.boolean() });

export const channelSecretContext = (org: OrganizationId, id: string) => `alert channel ${id} of ${org}`;

type ChannelRow = typeof alertChannels.$inferSelect;
type RuleRow = typeof alertRules.$inferSelect;
type OutboxRow = typeof alertOutbox.$inferSelect;

const rowToChannel = (r: ChannelRow): AlertChannel => ({
  id: r.id,
  kind: r.kind,
  name: r.name,
  config: r.config,
  createdAt: iso(r.createdAt),
});

export const rowToRule = (r: RuleRow): AlertRule => ({
  id: r.id,
  ...alertRuleInput.parse({
    tenantId: r.tenantId,
    channelId: r.channelId,
    enabled: r.enabled,
    eventTypes: r.eventTypes,
    controlIds: r.controlIds,
    frameworks: r.frameworks,
    digest: r.digest,
  }),
});

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

export function alertsRepo(ctx: RepoContext) {
  const { db, keyring } = ctx;
  const tenants = tenantsRepo(ctx);
  const channelById = (org: OrganizationId, id: string) =>
    and(eq(alertChannels.organizationId, org), eq(alertChannels.id, id));
  const outboxById = (org: OrganizationId, id: string) =>
    and(eq(alertOutbox.organizationId, org), eq(alertOutbox.id, id));
  const channel = async (org: OrganizationId, id: string) =>
    found((await db.select().from(alertChannels).where(channelById(org, id)))[0], 'alert channel', id);
  const getDelivery = async (org: OrganizationId, id: string) => {
    const [row] = await db.select().from(alertOutbox).where(outboxById(org, id));
    return rowToDelivery(found(row, 'alert delivery', id));
  };

  return {
    ...alertPsaRepo(ctx),
    ...alertDigestRepo(ctx),
    /** Adds a channel; its secret is sealed and never returned. */
    async createAlertChannel(org: OrganizationId, input: CreateAlertChannelInput): Promise<AlertChannel> {
      const v = parseInput(channelInput, input, 'alert channel');
      const id = alertId('ach');
      const sealed = seal(keyring, JSON.stringify(v.secret), channelSecretContext(org, id));
      const [row] = await db
        .insert(alertChannels)
        .values({
          id,
          organizationId: org,
          kind: v.kind,
          name: v.name,
          config: v.config,
          secretCiphertext: sealed.ciphertext,
          secretIv: sealed.iv,
          secretTag: sealed.tag,
          secretKeyId: sealed.keyId,
        })
        .returning();
      return rowToChannel(row!);
    },

    async listAlertChannels(org: OrganizationId): Promise<AlertChannel[]> {
      const rows = await db
        .select()
        .from(alertChannels)
        .where(eq(alertChannels.organizationId, org))
        .orderBy(asc(alertChannels.createdAt), asc(alertChannels.id));
      return rows.map(rowToChannel);
    },

    /** For the delivery worker only: the channel with its opened secret. */
    async readAlertChannel(
      org: OrganizationId,
      id: string,
    ): Promise<AlertChannel & { secret: Record<string, unknown> }> {
      const r = await channel(org, id);
      const sealed = { ciphertext: r.secretCiphertext, iv: r.secretIv, tag: r.secretTag, keyId: r.secretKeyId };
      return { ...rowToChannel(r), secret: JSON.parse(unseal(keyring, sealed, channelSecretContext(org, id))) };
    },

    async addAlertRule(org: OrganizationId, input: z.input<typeof alertRuleInput>): Promise<AlertRule> {
      const v = parseInput(alertRuleInput, input, 'alert rule');
      const target = await channel(org, v.channelId);
      if (v.digest && isPsaKind(target.kind)) {
        const message = 'a PSA channel keeps one ticket per tenant and control, so its rules send at once';
        throw new InvalidInputError(`alert rule refused: ${message}`, [{ path: 'digest', message }]);
      }
      if (v.tenantId) await tenants.getTenant(org, idSchema('ten').parse(v.tenantId));
      const [row] = await db
        .insert(alertRules)
        .values({ id: alertId('alr'), organizationId: org, ...v, tenantId: v.tenantId as TenantId | null })
        .returning();
      return rowToRule(row!);
    },

    async listAlertRules(org: OrganizationId): Promise<AlertRule[]> {
      const rows = await db
        .select()
        .from(alertRules)
        .where(eq(alertRules.organizationId, org))
        .orderBy(asc(alertRules.createdAt), asc(alertRules.id));
      return rows.map(rowToRule);
    },

    async removeAlertRule(org: OrganizationId, id: string): Promise<void> {
      const gone = await db
        .delete(alertRules)
        .where(and(eq(alertRules.organizationId, org), eq(alertRules.id, id)))
        .returning({ id: alertRules.id });
      found(gone[0], 'alert rule', id);
    },

    /** Silences a tenant until `until`; `null` lifts the mute. */
    async muteTenantAlerts(org: OrganizationId, input: z.input<typeof muteInput>): Promise<void> {
      const v = parseInput(muteInput, input, 'mute');
      await tenants.getTenant(org, v.tenantId);
      const key = and(eq(alertMutes.organizationId, org), eq(alertMutes.tenantId, v.tenantId));
      if (v.until === null) {
        await db.delete(alertMutes).where(key);
        return;
      }
      await db
        .insert(alertMutes)
        .values({ organizationId: org, tenantId: v.tenantId, until: v.until })
        .onConflictDoUpdate({ target: [alertMutes.organizationId, alertMutes.tenantId], set: { until: v.until } });
    },

    getAlertDelivery: getDelivery,

    /**
     * Writes notices to the outbox through the rules; call it in the transaction of the change it reports. Returns
     * the rows written now (to enqueue after the commit); a notice seen before writes nothing.
     */
    async raiseAlertNotices(org: OrganizationId, events: readonly NoticeEvent[]) {
      const parsed = events.map((e) => parseInput(noticeEvent, e, 'alert notice'));
      for (const t of new Set(parsed.flatMap((e) => (e.tenantId ? [e.tenantId] : [])))) await tenants.getTenant(org, t);
      return writeNoticeOutbox(db, org, parsed);
    },

    /** Newest first; the dashboard's list, dead-lettered rows with their error included. */
    async listAlertDeliveries(
      org: OrganizationId,
      filter: { tenantId?: TenantId; status?: AlertDelivery['status'] } = {},
    ): Promise<AlertDelivery[]> {
      const rows = await db
        .select()
        .from(alertOutbox)
        .where(
          and(
            eq(alertOutbox.organizationId, org),
            filter.tenantId ? eq(alertOutbox.tenantId, filter.tenantId) : undefined,
            filter.status ? eq(alertOutbox.status, filter.status) : undefined,
          ),
        )
        .orderBy(desc(alertOutbox.createdAt), desc(alertOutbox.id))
        .limit(500);
      return rows.map(rowToDelivery);
    },

    /** Marks a pending row delivered; false when it was not pending (already delivered, or dead). */
    async markAlertDelivered(org: OrganizationId, id: string, at: Date): Promise<boolean> {
      const rows = await db
        .update(alertOutbox)
        .set({ status: 'delivered', deliveredAt: at, attempts: sql`${alertOutbox.attempts} + 1`, lastError: null })
        .where(and(outboxById(org, id), eq(alertOutbox.status, 'pending')))
        .returning({ id: alertOutbox.id });
      if (rows.length === 0) await getDelivery(org, id);
      return rows.length === 1;
    },

    /** Counts a failed attempt; `dead` dead-letters the row with its error. */
    async recordAlertFailure(org: OrganizationId, id: string, input: z.input<typeof failureInput>): Promise<void> {
      const v = parseInput(failureInput, input, 'alert failure');
      const rows = await db
        .update(alertOutbox)
        .set({
          attempts: sql`${alertOutbox.attempts} + 1`,
          lastError: v.error,
          ...(v.dead ? { status: 'dead' as const } : {}),
        })
        .where(and(outboxById(org, id), eq(alertOutbox.status, 'pending')))
        .returning({ id: alertOutbox.id });
      if (rows.length === 0) await getDelivery(org, id);
    },

    /** Puts a dead-lettered row back to pending in a new round (a new job id); returns the row. */
    async retryAlertDelivery(org: OrganizationId, id: string): Promise<AlertDelivery> {
      const [row] = await db
        .update(alertOutbox)
        .set({ status: 'pending', attempts: 0, round: sql`${alertOutbox.round} + 1` })
        .where(and(outboxById(org, id), eq(alertOutbox.status, 'dead')))
        .returning();
      if (!row) return getDelivery(org, id);
      return rowToDelivery(row);
    },
  };
}
