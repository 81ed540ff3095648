import {
  CONTROL_STATUSES,
  type EvidenceRef,
  type ExceptedSubject,
  type FailingSubject,
  type OrganizationId,
  type RunId,
  type TenantId,
} from '@evident/core';
import { sql } from 'drizzle-orm';
import { foreignKey, index, integer, jsonb, pgEnum, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { at } from './columns.ts';
import { organizations } from './organizations.ts';
import { assessmentRuns } from './runs.ts';
import { tenants } from './tenants.ts';

export const controlStatus = pgEnum('control_status', CONTROL_STATUSES);

export const controlResults = pgTable(
  'control_results',
  {
    organizationId: text('organization_id')
      .$type<OrganizationId>()
      .notNull()
      .references(() => organizations.id),
    runId: text('run_id').$type<RunId>().notNull(),
    /** The run's tenant, copied so a control's history is one index scan. */
    tenantId: text('tenant_id').$type<TenantId>().notNull(),
    controlId: text('control_id').notNull(),
    status: controlStatus('status').notNull(),
    coverageNumerator: integer('coverage_numerator').notNull(),
    coverageDenominator: integer('coverage_denominator').notNull(),
    reason: text('reason').notNull(),
    failing: jsonb('failing').$type<FailingSubject[]>().notNull(),
    excepted: jsonb('excepted').$type<ExceptedSubject[]>().notNull(),
    evidence: jsonb('evidence').$type<EvidenceRef[]>().notNull(),
    /** The lists' sizes, kept by the database: reading them from a huge list would load all of it. */
    failingCount: integer('failing_count').notNull().generatedAlwaysAs(sql`jsonb_array_length(failing)`),
    exceptedCount: integer('excepted_count').notNull().generatedAlwaysAs(sql`jsonb_array_length(excepted)`),
    factsAsOf: at('facts_as_of'),
    evaluatedAt: at('evaluated_at').notNull(),
  },
  (t) => [
    primaryKey({ name: 'control_results_pkey', columns: [t.runId, t.controlId] }),
    foreignKey({
      name: 'control_results_run_fk',
      columns: [t.organizationId, t.runId],
      foreignColumns: [assessmentRuns.organizationId, assessmentRuns.id],
    }),
    foreignKey({
      name: 'control_results_tenant_fk',
      columns: [t.organizationId, t.tenantId],
      foreignColumns: [tenants.organizationId, tenants.id],
    }),
    index('control_results_history_idx').on(t.organizationId, t.tenantId, t.controlId, t.evaluatedAt.desc()),
  ],
);

/** A control whose status changed between a tenant's previous run and this one. */
export const driftEvents = pgTable(
  'drift_events',
  {
    organizationId: text('organization_id')
      .$type<OrganizationId>()
      .notNull()
      .references(() => organizations.id),
    tenantId: text('tenant_id').$type<TenantId>().notNull(),
    controlId: text('control_id').notNull(),
    runId: text('run_id').$type<RunId>().notNull(),
    previousRunId: text('previous_run_id').$type<RunId>().notNull(),
    fromStatus: controlStatus('from_status').notNull(),
    toStatus: controlStatus('to_status').notNull(),
    at: at('at').notNull(),
  },
  (t) => [
    primaryKey({ name: 'drift_events_pkey', columns: [t.runId, t.controlId] }),
    foreignKey({
      name: 'drift_events_run_fk',
      columns: [t.organizationId, t.runId],
      foreignColumns: [assessmentRuns.organizationId, assessmentRuns.id],
    }),
    foreignKey({
      name: 'drift_events_previous_run_fk',
      columns: [t.organizationId, t.previousRunId],
      foreignColumns: [assessmentRuns.organizationId, assessmentRuns.id],
    }),
    foreignKey({
      name: 'drift_events_tenant_fk',
      columns: [t.organizationId, t.tenantId],
      foreignColumns: [tenants.organizationId, tenants.id],
    }),
    index('drift_events_tenant_idx').on(t.organizationId, t.tenantId, t.at.desc()),
  ],
);
