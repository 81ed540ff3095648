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
