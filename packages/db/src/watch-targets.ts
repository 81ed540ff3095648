import type { ConnectionId, OrganizationId, TenantId } from '@evident/core';
import { sql } from 'drizzle-orm';
import type { Database } from './client.ts';
import { translateError } from './errors.ts';
import { rowsOf } from './repos/boundary.ts';

export interface WatchTarget {
  organizationId: OrganizationId;
  tenantId: TenantId;
  connectionId: ConnectionId;
  kind: string;
}

/**
 * Every organization's live connections (not disabled, of a tenant not deleted), as ids and kinds: for the
 * pipeline's watch scheduler alone, through the owner's lookup of migration 0023.
 */
export async function watchTargets(database: Database): Promise<WatchTarget[]> {
  try {
    const rows = rowsOf(await database.drizzle.execute(sql`select * from evident_watch_targets()`));
    return rows.map((r) => ({
      organizationId: r.organization_id as OrganizationId,
      tenantId: r.tenant_id as TenantId,
      connectionId: r.connection_id as ConnectionId,
      kind: String(r.kind),
    }));
  } catch (error) {
    throw translateError(error);
  }
}
