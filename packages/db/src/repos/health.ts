import type { ConnectionId, GapFact, OrganizationId, TenantId } from '@evident/core';
import { sql } from 'drizzle-orm';
import type { StoredCollection } from '../domain.ts';
import { type RepoContext, rowsOf } from './boundary.ts';
import { rowToCollection } from './collections.ts';

export interface ConnectionHealth {
  connectionId: ConnectionId;
  /** The newest collection whatever its outcome, failed ones included. */
  last: StoredCollection | null;
  /** The gaps of that collection, at most 50. */
  gaps: GapFact[];
}

export function healthRepo({ db }: RepoContext) {
  return {
    async connectionHealth(org: OrganizationId, tenantId: TenantId): Promise<ConnectionHealth[]> {
      const rows = rowsOf(
        await db.execute(sql`
          select c.id as connection_id, last.*, coalesce(
            (select jsonb_agg(f.body order by f.seq) from (
               select body, seq from facts
               where organization_id = ${org} and collection_id = last.id and type = 'gap' order by seq limit 50) f),
            '[]'::jsonb) as gap_bodies
          from connections c
          left join lateral (
            select * from collections k
            where k.organization_id = ${org} and k.connection_id = c.id
            order by k.finished_at desc, k.id desc limit 1) last on true
          where c.organization_id = ${org} and c.tenant_id = ${tenantId}
          order by c.name, c.id`),
      );
      return rows.map((r) => ({
        connectionId: r.connection_id as ConnectionId,
        last:
          r.id === null
            ? null
            : rowToCollection({
                id: r.id,
                organizationId: r.organization_id,
                runId: r.run_id,
                connectionId: r.connection_id,
                status: r.status,
                factCount: r.fact_count,
                gapCount: r.gap_count,
                startedAt: new Date(String(r.started_at)),
                finishedAt: new Date(String(r.finished_at)),
                error: r.error,
                // The raw row of a hand-written query: rowToCollection parses it, so a wrong shape fails loudly.
              } as Parameters<typeof rowToCollection>[0]),
        gaps: (typeof r.gap_bodies === 'string' ? JSON.parse(r.gap_bodies) : r.gap_bodies) as GapFact[],
      }));
    },
  };
}
