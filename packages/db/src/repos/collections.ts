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
import { type StoredCollection, storedCollection } from '../domain.ts';
import { collections } from '../schema/runs.ts';
import { found, iso, parseInput, type RepoContext } from './boundary.ts';
import { connectionsRepo } from './connections.ts';
import { type FactSource, writeFacts } from './fact-batches.ts';
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
     * commits wins; a retry gets that collection back, unchanged. Facts are streamed in in batches.
     */
    async writeCollection(
      org: OrganizationId,
      runId: RunId,
      connectionId: ConnectionId,
      facts: FactSource,
      options: WriteCollectionOptions = {},
    ): Promise<WriteCollectionResult> {
      const opts = parseInput(writeOptions, options, 'collection options');
      return db.transaction(async (tx) => {
        const txCtx = { ...ctx, db: tx };
        const run = await runsRepo(txCtx).getRun(org, runId);
        const connection = await connectionsRepo(txCtx).getConnection(org, connectionId);
        if (run.tenantId !== connection.tenantId) {
          throw new InvalidInputError(`connection ${connectionId} does not belong to the tenant of run ${runId}`);
        }
        const id = newId('col');
        const startedAt = opts.startedAt ?? new Date();
        const [claimed] = await tx
          .insert(collections)
          // Provisional until the facts are in; nobody sees it before the transaction commits.
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
          const [existing] = await tx
            .select()
            .from(collections)
            .where(
              and(
                eq(collections.organizationId, org),
                eq(collections.runId, runId),
                eq(collections.connectionId, connectionId),
              ),
            );
          return { collection: rowToCollection(existing!), created: false, batches: 0 };
        }
        const written = await writeFacts(tx, org, id, facts, opts.batchSize);
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
