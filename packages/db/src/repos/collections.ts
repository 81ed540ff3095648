import {
  type CollectionId,
  type ConnectionId,
  InvalidInputError,
  newId,
  type OrganizationId,
  type RunId,
} from '@evident/core';
import { and, asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../client.ts';
import { type StoredCollection, storedCollection } from '../domain.ts';
import { collections } from '../schema/runs.ts';
import { found, iso, parseInput, type RepoContext } from './boundary.ts';
import { connectionsRepo } from './connections.ts';
import { type FactSource, writeFacts } from './fact-batches.ts';
import { spoolFacts } from './fact-spool.ts';
import { runsRepo } from './runs.ts';

type Row = typeof collections.$inferSelect;

export const rowToCollection = (row: Row): StoredCollection =>
  storedCollection.parse({
    id: row.id,
    organizationId: row.organizationId,
    connectionId: row.connectionId,
    runId: row.runId,
    status: row.status,
    startedAt: iso(row.startedAt),
    finishedAt: iso(row.finishedAt),
    factCount: row.factCount,
    gapCount: row.gapCount,
    error: row.error,
  });

const writeOptions = z.object({
  startedAt: z.date().optional(),
  /** Set when the collection failed: it is stored `failed`, with whatever facts and gaps came before. */
  error: z.string().min(1).optional(),
  /** Rows per insert statement. */
  batchSize: z.number().int().min(1).max(10_000).default(2_000),
});
export type WriteCollectionOptions = z.input<typeof writeOptions>;

export interface WriteCollectionResult {
  collection: StoredCollection;
  /** False when this (run, connection) already had a collection: nothing was written and `facts` was not read. */
  created: boolean;
  /** Insert statements used for the facts. */
  batches: number;
}

export function collectionsRepo(ctx: RepoContext) {
  const { db } = ctx;
  const byId = (org: OrganizationId, id: CollectionId) =>
    and(eq(collections.organizationId, org), eq(collections.id, id));

  return {
    /**
     * Stores one collection and its facts in one transaction keyed by (run, connection). The first write that
     * commits wins; a retry gets that collection back, unchanged. The fact stream (a connector waiting on its
     * provider) is read and validated first, spilling to a temporary file past a size; the transaction only inserts.
     */
    async writeCollection(
      org: OrganizationId,
      runId: RunId,
      connectionId: ConnectionId,
      facts: FactSource,
      options: WriteCollectionOptions = {},
    ): Promise<WriteCollectionResult> {
      const opts = parseInput(writeOptions, options, 'collection options');
      const existing = (db: Db) =>
        db
          .select()
          .from(collections)
          .where(
            and(
              eq(collections.organizationId, org),
              eq(collections.runId, runId),
              eq(collections.connectionId, connectionId),
            ),
          );
      const before = await ctx.inOrg(org, async (db) => {
        const txCtx = { ...ctx, db };
        const run = await runsRepo(txCtx).getRun(org, runId);
        const connection = await connectionsRepo(txCtx).getConnection(org, connectionId);
        if (run.tenantId !== connection.tenantId) {
          throw new InvalidInputError(`connection ${connectionId} does not belong to the tenant of run ${runId}`);
        }
        const [row] = await existing(db);
        return row;
      });
      if (before) return { collection: rowToCollection(before), created: false, batches: 0 };
      const startedAt = opts.startedAt ?? new Date();
      const spool = await spoolFacts(facts);
      try {
        return await ctx.inOrg(org, async (tx) => {
          const id = newId('col');
          const [claimed] = await tx
            .insert(collections)
            .values({
              id,
              organizationId: org,
              runId,
              connectionId,
              status: 'failed',
              factCount: 0,
              gapCount: 0,
              startedAt,
              finishedAt: startedAt,
            })
            .onConflictDoNothing({ target: [collections.runId, collections.connectionId] })
            .returning({ id: collections.id });
          if (!claimed) {
            const [row] = await existing(tx);
            return { collection: rowToCollection(row!), created: false, batches: 0 };
          }
          const written = await writeFacts(tx, org, id, spool, opts.batchSize);
          const status = opts.error ? 'failed' : written.gaps > 0 ? 'partial' : 'succeeded';
          const [row] = await tx
            .update(collections)
            .set({
              status,
              factCount: written.facts,
              gapCount: written.gaps,
              finishedAt: new Date(),
              error: opts.error ?? null,
            })
            .where(eq(collections.id, id))
            .returning();
          return { collection: rowToCollection(row!), created: true, batches: written.batches };
        });
      } finally {
        await spool.discard();
      }
    },

    async getCollection(org: OrganizationId, id: CollectionId): Promise<StoredCollection> {
      const [row] = await db.select().from(collections).where(byId(org, id));
      return rowToCollection(found(row, 'collection', id));
    },

    async listCollections(org: OrganizationId, runId: RunId): Promise<StoredCollection[]> {
      const rows = await db
        .select()
        .from(collections)
        .where(and(eq(collections.organizationId, org), eq(collections.runId, runId)))
        .orderBy(asc(collections.connectionId));
      return rows.map(rowToCollection);
    },
  };
}
