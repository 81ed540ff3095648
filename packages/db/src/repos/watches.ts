import { type ConnectionId, idSchema, type OrganizationId, type RunId, type TenantId } from '@evident/core';
import { and, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { assessmentRuns } from '../schema/runs.ts';
import { connections } from '../schema/tenants.ts';
import { connectionWatches, type StoredChange } from '../schema/watches.ts';
import { found, iso, isoOrNull, parseInput, type RepoContext } from './boundary.ts';

/** Ids remembered per connection for deduplication: far more than a lag window's worth of relevant changes. */
export const RECENT_IDS = 2_000;
const SKIPPED_KEPT = 20;

const text = (max: number) => z.string().max(max);
const change = z.object({
  id: text(256).min(1),
  at: z.iso.datetime({ offset: true }),
  actor: text(512).nullable(),
  action: text(512),
  target: text(512).nullable(),
});

const readInput = z.object({
  cursor: text(16_384),
  readAt: z.date(),
  events: z.array(change).max(100_000),
  skipped: z.array(z.object({ id: text(256).nullable(), reason: text(1_024) })).default([]),
  /** Provider requests the read made. */
  requests: z.number().int().min(0).default(1),
});
export type WatchReadInput = z.input<typeof readInput>;

const failureInput = z.object({ code: text(64).min(1), message: text(2_048), at: z.date() });
export type WatchFailureInput = z.input<typeof failureInput>;

/** What a connection's watcher last did, for the dashboard: watching since, last change seen, last failure. */
export interface ConnectionWatch {
  connectionId: ConnectionId;
  tenantId: TenantId;
  /** Whether the watcher has read the trail at least once (its cursor is set). */
  started: boolean;
  lastReadAt: string | null;
  lastChangeAt: string | null;
  error: { code: string; message: string; at: string } | null;
  /** Changes seen and not yet taken by a re-assessment. */
  pending: number;
  skipped: { id: string | null; reason: string }[];
  /** Provider requests of the connection's last full collection, and of the watcher's last read. */
  collectionRequests: number | null;
  readRequests: number | null;
}

/** What the watcher needs before it reads: where from, and whether its request budget allows a read now. */
export interface WatchState {
  cursor: string | null;
  lastReadAt: string | null;
  collectionRequests: number | null;
  readRequests: number | null;
}

type Row = typeof connectionWatches.$inferSelect;

const rowToWatch = (row: Row): ConnectionWatch => ({
  connectionId: row.connectionId,
  tenantId: row.tenantId,
  started: row.cursor !== null,
  lastReadAt: isoOrNull(row.lastReadAt),
  lastChangeAt: isoOrNull(row.lastChangeAt),
  error: row.errorCode && row.errorAt ? { code: row.errorCode, message: row.error ?? '', at: iso(row.errorAt) } : null,
  pending: row.pending.length,
  skipped: row.skipped,
  collectionRequests: row.collectionRequests,
  readRequests: row.readRequests,
});

export function watchesRepo(ctx: RepoContext) {
  const { db } = ctx;
  const byConnection = (org: OrganizationId, id: ConnectionId) =>
    and(eq(connectionWatches.organizationId, org), eq(connectionWatches.connectionId, id));

  /** The watch row of a connection of this organization, created empty and locked for the transaction. */
  async function lockRow(org: OrganizationId, id: ConnectionId): Promise<Row> {
    const [conn] = await db
      .select({ tenantId: connections.tenantId })
      .from(connections)
      .where(and(eq(connections.organizationId, org), eq(connections.id, id)));
    const { tenantId } = found(conn, 'connection', id);
    await db
      .insert(connectionWatches)
      .values({ organizationId: org, connectionId: id, tenantId })
      .onConflictDoNothing();
    const [row] = await db.select().from(connectionWatches).where(byConnection(org, id)).for('update');
    return found(row, 'connection watch', id);
  }

  return {
    /** Where the connection's watcher reads from next (null before its first read), and its budget. */
    async watchState(org: OrganizationId, id: ConnectionId): Promise<WatchState> {
      const [row] = await db.select().from(connectionWatches).where(byConnection(org, id));
      return {
        cursor: row?.cursor ?? null,
        lastReadAt: isoOrNull(row?.lastReadAt ?? null),
        collectionRequests: row?.collectionRequests ?? null,
        readRequests: row?.readRequests ?? null,
      };
    },

    /** How many provider requests the connection's last full collection made: the watcher may spend a share. */
    async recordCollectionCost(org: OrganizationId, id: ConnectionId, requests: number): Promise<void> {
      const n = parseInput(z.number().int().min(0), requests, 'request count');
      await lockRow(org, id);
      await db.update(connectionWatches).set({ collectionRequests: n }).where(byConnection(org, id));
    },

    async listWatches(org: OrganizationId, filter: { tenantId?: TenantId } = {}): Promise<ConnectionWatch[]> {
      const where = filter.tenantId
        ? and(eq(connectionWatches.organizationId, org), eq(connectionWatches.tenantId, filter.tenantId))
        : eq(connectionWatches.organizationId, org);
      const rows = await db.select().from(connectionWatches).where(where);
      return rows.map(rowToWatch);
    },

    /**
     * Stores one good read: the new cursor, and the changes not seen before (by id) added to the pending ones.
     * Returns those fresh changes; a read that overlaps an earlier one returns only what is new.
     */
    async recordWatchRead(
      org: OrganizationId,
      id: ConnectionId,
      input: WatchReadInput,
    ): Promise<{ fresh: StoredChange[]; pending: number }> {
      const values = parseInput(readInput, input, 'watch read');
      const row = await lockRow(org, id);
      const seen = new Set(row.recentIds);
      const fresh: StoredChange[] = [];
      for (const e of values.events) {
        if (seen.has(e.id)) continue;
        seen.add(e.id);
        fresh.push({ connectionId: id, ...e });
      }
      const recentIds = [...row.recentIds, ...fresh.map((e) => e.id)].slice(-RECENT_IDS);
      const newest = fresh.reduce<string | null>((m, e) => (m === null || e.at > m ? e.at : m), null);
      const lastChangeAt =
        newest && (!row.lastChangeAt || Date.parse(newest) > row.lastChangeAt.getTime())
          ? new Date(newest)
          : row.lastChangeAt;
      const pending = [...row.pending, ...fresh];
      await db
        .update(connectionWatches)
        .set({
          cursor: values.cursor,
          lastReadAt: values.readAt,
          readRequests: values.requests,
          lastChangeAt,
          errorCode: null,
          error: null,
          errorAt: null,
          recentIds,
          pending,
          skipped: values.skipped.length > 0 ? [...row.skipped, ...values.skipped].slice(-SKIPPED_KEPT) : row.skipped,
          updatedAt: values.readAt,
        })
        .where(byConnection(org, id));
      return { fresh, pending: pending.length };
    },

    /** A read that failed: the cursor stays, so the next good read catches up from it. */
    async recordWatchFailure(org: OrganizationId, id: ConnectionId, input: WatchFailureInput): Promise<void> {
      const values = parseInput(failureInput, input, 'watch failure');
      await lockRow(org, id);
      // A failed read counts against the budget too: a refused trail is not read again at once.
      await db
        .update(connectionWatches)
        .set({
          errorCode: values.code,
          error: values.message,
          errorAt: values.at,
          lastReadAt: values.at,
          updatedAt: values.at,
        })
        .where(byConnection(org, id));
    },

    /**
     * Takes the tenant's pending changes, oldest first, leaving none: called in the transaction that opens the run
     * they trigger, so each change is assessed by exactly one run.
     */
    async takePendingChanges(org: OrganizationId, tenantId: TenantId): Promise<StoredChange[]> {
      const tenant = parseInput(idSchema('ten'), tenantId, 'tenant id');
      const rows = await db
        .select()
        .from(connectionWatches)
        .where(and(eq(connectionWatches.organizationId, org), eq(connectionWatches.tenantId, tenant)))
        .for('update');
      const taken = rows.flatMap((r) => r.pending);
      if (taken.length === 0) return [];
      await db
        .update(connectionWatches)
        .set({ pending: [] })
        .where(and(eq(connectionWatches.organizationId, org), eq(connectionWatches.tenantId, tenant)));
      return taken.sort((a, b) => a.at.localeCompare(b.at) || a.id.localeCompare(b.id));
    },

    /** Records the changes a run was opened for. */
    async setRunChanges(org: OrganizationId, runId: RunId, changes: StoredChange[]): Promise<void> {
      const run = parseInput(idSchema('run'), runId, 'run id');
      const [row] = await db
        .update(assessmentRuns)
        .set({ changes })
        .where(and(eq(assessmentRuns.organizationId, org), eq(assessmentRuns.id, run)))
        .returning({ id: assessmentRuns.id });
      found(row, 'assessment run', run);
    },

    /** The changes each of several runs was opened for, by run id; runs opened for none are left out. */
    async changesOfRuns(org: OrganizationId, runIds: RunId[]): Promise<Map<RunId, StoredChange[]>> {
      const ids = parseInput(z.array(idSchema('run')).max(1_000), runIds, 'run ids');
      if (ids.length === 0) return new Map();
      const rows = await db
        .select({ id: assessmentRuns.id, changes: assessmentRuns.changes })
        .from(assessmentRuns)
        .where(and(eq(assessmentRuns.organizationId, org), inArray(assessmentRuns.id, ids)));
      return new Map(rows.filter((r) => r.changes.length > 0).map((r) => [r.id, r.changes]));
    },

    /** The changes a run was opened for: who did what, when, as the provider's trail named them. */
    async runChanges(org: OrganizationId, runId: RunId): Promise<StoredChange[]> {
      const [row] = await db
        .select({ changes: assessmentRuns.changes })
        .from(assessmentRuns)
        .where(and(eq(assessmentRuns.organizationId, org), eq(assessmentRuns.id, runId)));
      return found(row, 'assessment run', runId).changes;
    },
  };
}
