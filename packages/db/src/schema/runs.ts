import {
  COLLECTION_STATUSES,
  type CollectionId,
  type ConnectionId,
  type OrganizationId,
  type RunId,
  type TenantId,
} from '@evident/core';
import { sql } from 'drizzle-orm';
import { foreignKey, index, integer, jsonb, pgEnum, pgTable, text, unique } from 'drizzle-orm/pg-core';
import { at } from './columns.ts';
import { organizations } from './organizations.ts';
import { connections, tenants } from './tenants.ts';
import type { StoredChange } from './watches.ts';

/**
 * `exception`: an exception approved or revoked; the stored facts are evaluated again, nothing is collected.
 * `change`: a watcher saw a change in a provider's trail that can move a verdict.
 */
export const RUN_TRIGGERS = ['schedule', 'manual', 'exception', 'change'] as const;
export const RUN_STATUSES = ['running', 'succeeded', 'failed'] as const;
export const runTrigger = pgEnum('run_trigger', RUN_TRIGGERS);
export const runStatus = pgEnum('run_status', RUN_STATUSES);

/** One assessment of one tenant: its collections, then its control results. */
export const assessmentRuns = pgTable(
  'assessment_runs',
  {
    id: text('id').$type<RunId>().primaryKey(),
    organizationId: text('organization_id')
      .$type<OrganizationId>()
      .notNull()
      .references(() => organizations.id),
    tenantId: text('tenant_id').$type<TenantId>().notNull(),
    trigger: runTrigger('trigger').notNull(),
    status: runStatus('status').notNull().default('running'),
    startedAt: at('started_at').notNull(),
    finishedAt: at('finished_at'),
    error: text('error'),
    /**
     * Written with the run's results, so the portfolio reads a tenant's latest verdicts and its 30-day trend from
     * the runs alone: how many results, and how many of them pass, are partial, or apply at all.
     */
    resultCount: integer('result_count').notNull().default(0),
    passingCount: integer('passing_count').notNull().default(0),
    partialCount: integer('partial_count').notNull().default(0),
    applicableCount: integer('applicable_count').notNull().default(0),
    /** A `change` run's triggers: the provider's changes (who, what, when) it was opened for, oldest first. */
    changes: jsonb('changes').$type<StoredChange[]>().notNull().default([]),
  },
  (t) => [
    unique('assessment_runs_organization_id_key').on(t.organizationId, t.id),
    foreignKey({
      name: 'assessment_runs_tenant_fk',
      columns: [t.organizationId, t.tenantId],
      foreignColumns: [tenants.organizationId, tenants.id],
    }),
    index('assessment_runs_tenant_idx').on(t.organizationId, t.tenantId, t.startedAt.desc()),
    index('assessment_runs_results_idx')
      .on(t.organizationId, t.tenantId, t.startedAt.desc(), t.id.desc())
      .where(sql`${t.resultCount} > 0`),
  ],
);

export const collectionStatus = pgEnum('collection_status', COLLECTION_STATUSES);

export const collections = pgTable(
  'collections',
  {
    id: text('id').$type<CollectionId>().primaryKey(),
    organizationId: text('organization_id')
      .$type<OrganizationId>()
      .notNull()
      .references(() => organizations.id),
    runId: text('run_id').$type<RunId>().notNull(),
    connectionId: text('connection_id').$type<ConnectionId>().notNull(),
    status: collectionStatus('status').notNull(),
    factCount: integer('fact_count').notNull(),
    gapCount: integer('gap_count').notNull(),
    startedAt: at('started_at').notNull(),
    finishedAt: at('finished_at').notNull(),
    error: text('error'),
  },
  (t) => [
    unique('collections_organization_id_key').on(t.organizationId, t.id),
    // A retried collect job finds its collection here instead of writing a second one.
    unique('collections_run_connection_key').on(t.runId, t.connectionId),
    foreignKey({
      name: 'collections_run_fk',
      columns: [t.organizationId, t.runId],
      foreignColumns: [assessmentRuns.organizationId, assessmentRuns.id],
    }),
    foreignKey({
      name: 'collections_connection_fk',
      columns: [t.organizationId, t.connectionId],
      foreignColumns: [connections.organizationId, connections.id],
    }),
    index('collections_connection_idx').on(t.organizationId, t.connectionId, t.finishedAt.desc()),
  ],
);
