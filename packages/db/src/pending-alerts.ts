import type { OrganizationId } from '@evident/core';
import { sql } from 'drizzle-orm';
import type { Database } from './client.ts';
import { translateError } from './errors.ts';
import { rowsOf } from './repos/boundary.ts';

/**
 * Outbox rows of every organization still pending since before `before`, oldest first, as ids: for the pipeline's
 * sweeper alone (it enqueues their delivery again after a lost enqueue or a Redis restart), through the owner's
 * lookup of migration 0017.
 */
export async function pendingAlerts(
  database: Database,
  before: Date,
  limit = 500,
): Promise<{ organizationId: OrganizationId; id: string; round: number }[]> {
  try {
    const rows = rowsOf(
      await database.drizzle.execute(
        sql`select * from evident_pending_alerts(${before.toISOString()}::timestamptz, ${limit})`,
      ),
    );
    return rows.map((r) => ({
      organizationId: r.organization_id as OrganizationId,
      id: String(r.id),
      round: Number(r.round),
    }));
  } catch (error) {
    throw translateError(error);
  }
}

/**
 * Digest rules of every organization with events waiting, or a digest not yet sent whose lease is free at `now`, as
 * (organization, rule) ids through the owner's lookup of migration 0019: for the pipeline's digest sweep alone.
 */
export async function digestWork(
  database: Database,
  now: Date,
  limit = 500,
): Promise<{ organizationId: OrganizationId; ruleId: string }[]> {
  try {
    const rows = rowsOf(
      await database.drizzle.execute(
        sql`select * from evident_digest_work(${now.toISOString()}::timestamptz, ${limit})`,
      ),
    );
    return rows.map((r) => ({ organizationId: r.organization_id as OrganizationId, ruleId: String(r.rule_id) }));
  } catch (error) {
    throw translateError(error);
  }
}
