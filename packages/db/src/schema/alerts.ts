import { CHANNEL_KINDS } from '@evident/alerts';
import type { OrganizationId, RunId, TenantId } from '@evident/core';
import { sql } from 'drizzle-orm';
import {
  boolean,
  foreignKey,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  unique,
} from 'drizzle-orm/pg-core';
import { at, sealedColumns } from './columns.ts';
import { organizations } from './organizations.ts';
import { assessmentRuns } from './runs.ts';
import { tenants } from './tenants.ts';

export const alertChannelKind = pgEnum('alert_channel_kind', CHANNEL_KINDS);

const org = () =>
  text('organization_id')
    .$type<OrganizationId>()
    .notNull()
    .references(() => organizations.id);

const secret = sealedColumns('secret');

/** Where alerts go. `config` is shown to staff; the sealed secret (URL with its token, signing key, password) never. */
export const alertChannels = pgTable(
  'alert_channels',
  {
    id: text('id').primaryKey(),
    organizationId: org(),
    kind: alertChannelKind('kind').notNull(),
    name: text('name').notNull(),
    config: jsonb('config').$type<Record<string, unknown>>().notNull(),
    secretCiphertext: secret.ciphertext.notNull(),
    secretIv: secret.iv.notNull(),
    secretTag: secret.tag.notNull(),
    secretKeyId: secret.keyId.notNull(),
    createdAt: at('created_at').notNull().defaultNow(),
  },
  (t) => [unique('alert_channels_organization_id_key').on(t.organizationId, t.id)],
);

/** A rule sends matching events to a channel: the organization's default (no tenant) or a tenant's override. */
export const alertRules = pgTable(
  'alert_rules',
  {
    id: text('id').primaryKey(),
    organizationId: org(),
    tenantId: text('tenant_id').$type<TenantId>(),
    channelId: text('channel_id').notNull(),
    enabled: boolean('enabled').notNull(),
    eventTypes: jsonb('event_types').$type<string[]>().notNull(),
    controlIds: jsonb('control_ids').$type<string[]>().notNull(),
    frameworks: jsonb('frameworks').$type<string[]>().notNull(),
    /** Null: each event is sent at once; otherwise the schedule of a daily or weekly digest. */
    digest: jsonb('digest').$type<Record<string, unknown>>(),
    createdAt: at('created_at').notNull().defaultNow(),
  },
  (t) => [
    unique('alert_rules_organization_id_key').on(t.organizationId, t.id),
    foreignKey({
      name: 'alert_rules_channel_fk',
      columns: [t.organizationId, t.channelId],
      foreignColumns: [alertChannels.organizationId, alertChannels.id],
    }).onDelete('cascade'),
    foreignKey({
      name: 'alert_rules_tenant_fk',
      columns: [t.organizationId, t.tenantId],
      foreignColumns: [tenants.organizationId, tenants.id],
    }),
    index('alert_rules_organization_idx').on(t.organizationId),
  ],
);

/** A tenant that raises no alert until `until`. */
export const alertMutes = pgTable(
  'alert_mutes',
  {
    organizationId: org(),
    tenantId: text('tenant_id').$type<TenantId>().notNull(),
    until: at('until').notNull(),
  },
  (t) => [
    primaryKey({ name: 'alert_mutes_pkey', columns: [t.organizationId, t.tenantId] }),
    foreignKey({
      name: 'alert_mutes_tenant_fk',
      columns: [t.organizationId, t.tenantId],
      foreignColumns: [tenants.organizationId, tenants.id],
    }),
  ],
);

/** When each control of a tenant last alerted, and how many flips were folded into that alert since. */
export const alertFlaps = pgTable(
  'alert_flaps',
  {
    organizationId: org(),
    tenantId: text('tenant_id').$type<TenantId>().notNull(),
    controlId: text('control_id').notNull(),
    lastAlertedAt: at('last_alerted_at').notNull(),
    suppressed: integer('suppressed').notNull().default(0),
  },
  (t) => [
    primaryKey({ name: 'alert_flaps_pkey', columns: [t.organizationId, t.tenantId, t.controlId] }),
    foreignKey({
      name: 'alert_flaps_tenant_fk',
      columns: [t.organizationId, t.tenantId],
      foreignColumns: [tenants.organizationId, tenants.id],
    }),
  ],
);

export const ALERT_DELIVERY_STATUSES = ['pending', 'delivered', 'dead'] as const;
export const alertDeliveryStatus = pgEnum('alert_delivery_status', ALERT_DELIVERY_STATUSES);

/**
 * One row per (event, channel), written in the transaction that stores the verdicts (or the state change a notice
 * reports); the unique key makes a second derivation of the same event write nothing. `round` counts manual
 * retries of a dead row. A notice may have no run, and the organization's own notices (its audit log) no tenant.
 */
export const alertOutbox = pgTable(
  'alert_outbox',
  {
    id: text('id').primaryKey(),
    organizationId: org(),
    tenantId: text('tenant_id').$type<TenantId>(),
    channelId: text('channel_id').notNull(),
    runId: text('run_id').$type<RunId>(),
    dedupeKey: text('dedupe_key').notNull(),
    event: jsonb('event').$type<Record<string, unknown>>().notNull(),
    status: alertDeliveryStatus('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    round: integer('round').notNull().default(0),
    lastError: text('last_error'),
    createdAt: at('created_at').notNull().defaultNow(),
    deliveredAt: at('delivered_at'),
  },
  (t) => [
    unique('alert_outbox_once_key').on(t.organizationId, t.channelId, t.dedupeKey),
    foreignKey({
      name: 'alert_outbox_channel_fk',
      columns: [t.organizationId, t.channelId],
      foreignColumns: [alertChannels.organizationId, alertChannels.id],
    }).onDelete('cascade'),
    foreignKey({
      name: 'alert_outbox_run_fk',
      columns: [t.organizationId, t.runId],
      foreignColumns: [assessmentRuns.organizationId, assessmentRuns.id],
    }),
    foreignKey({
      name: 'alert_outbox_tenant_fk',
      columns: [t.organizationId, t.tenantId],
      foreignColumns: [tenants.organizationId, tenants.id],
    }),
    index('alert_outbox_pending_idx').on(t.createdAt).where(sql`status = 'pending'`),
    index('alert_outbox_tenant_idx').on(t.organizationId, t.tenantId, t.createdAt.desc()),
  ],
);

/** Per PSA channel, the company in the PSA that stands for a tenant (checked against the PSA when saved). */
export const alertPsaCompanies = pgTable(
  'alert_psa_companies',
  {
    organizationId: org(),
    channelId: text('channel_id').notNull(),
    tenantId: text('tenant_id').$type<TenantId>().notNull(),
    companyId: text('company_id').notNull(),
    companyName: text('company_name').notNull(),
    createdAt: at('created_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: 'alert_psa_companies_pkey', columns: [t.organizationId, t.channelId, t.tenantId] }),
    foreignKey({
      name: 'alert_psa_companies_channel_fk',
      columns: [t.organizationId, t.channelId],
      foreignColumns: [alertChannels.organizationId, alertChannels.id],
    }).onDelete('cascade'),
    foreignKey({
      name: 'alert_psa_companies_tenant_fk',
      columns: [t.organizationId, t.tenantId],
      foreignColumns: [tenants.organizationId, tenants.id],
    }),
  ],
);

/** The tickets a PSA channel opened, one open at a time per tenant and control; closed ones stay as history. */
export const alertPsaTickets = pgTable(
  'alert_psa_tickets',
  {
    organizationId: org(),
    channelId: text('channel_id').notNull(),
    ticketId: text('ticket_id').notNull(),
    tenantId: text('tenant_id').$type<TenantId>().notNull(),
    controlId: text('control_id').notNull(),
    ref: text('ref').notNull(),
    openedAt: at('opened_at').notNull(),
    updatedAt: at('updated_at').notNull(),
    closedAt: at('closed_at'),
  },
  (t) => [
    primaryKey({ name: 'alert_psa_tickets_pkey', columns: [t.organizationId, t.channelId, t.ticketId] }),
    foreignKey({
      name: 'alert_psa_tickets_channel_fk',
      columns: [t.organizationId, t.channelId],
      foreignColumns: [alertChannels.organizationId, alertChannels.id],
    }).onDelete('cascade'),
    foreignKey({
      name: 'alert_psa_tickets_tenant_fk',
      columns: [t.organizationId, t.tenantId],
      foreignColumns: [tenants.organizationId, tenants.id],
    }),
    index('alert_psa_tickets_tenant_idx').on(t.organizationId, t.tenantId, t.controlId),
  ],
);

/** An event a digest rule matched, waiting for its period's digest (`digestId` set once it is in one). */
export const alertDigestItems = pgTable(
  'alert_digest_items',
  {
    organizationId: org(),
    ruleId: text('rule_id').notNull(),
    dedupeKey: text('dedupe_key').notNull(),
    tenantId: text('tenant_id').$type<TenantId>().notNull(),
    event: jsonb('event').$type<Record<string, unknown>>().notNull(),
    digestId: text('digest_id'),
    createdAt: at('created_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: 'alert_digest_items_pkey', columns: [t.organizationId, t.ruleId, t.dedupeKey] }),
    foreignKey({
      name: 'alert_digest_items_rule_fk',
      columns: [t.organizationId, t.ruleId],
      foreignColumns: [alertRules.organizationId, alertRules.id],
    }).onDelete('cascade'),
    index('alert_digest_items_waiting_idx').on(t.organizationId, t.ruleId).where(sql`digest_id is null`),
  ],
);

/** One message per digest rule and period; the unique key makes a second run of the same period a no-op. */
export const alertDigests = pgTable(
  'alert_digests',
  {
    id: text('id').primaryKey(),
    organizationId: org(),
    ruleId: text('rule_id').notNull(),
    channelId: text('channel_id').notNull(),
    periodEnd: at('period_end').notNull(),
    items: integer('items').notNull(),
    status: alertDeliveryStatus('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    /** A sender holds the row until then; a crashed sender's row is taken up again after it. */
    leaseUntil: at('lease_until'),
    createdAt: at('created_at').notNull().defaultNow(),
    deliveredAt: at('delivered_at'),
  },
  (t) => [
    unique('alert_digests_period_key').on(t.organizationId, t.ruleId, t.periodEnd),
    foreignKey({
      name: 'alert_digests_rule_fk',
      columns: [t.organizationId, t.ruleId],
      foreignColumns: [alertRules.organizationId, alertRules.id],
    }).onDelete('cascade'),
    index('alert_digests_pending_idx').on(t.createdAt).where(sql`status = 'pending'`),
  ],
);
