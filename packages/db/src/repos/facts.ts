import type { CollectionId, Fact, OrganizationId, TenantId } from '@evident/core';
import { and, asc, desc, eq, gt, inArray, ne } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../client.ts';
import type { StoredCollection } from '../domain.ts';
import { facts } from '../schema/facts.ts';
import { collections } from '../schema/runs.ts';
import { connections } from '../schema/tenants.ts';
import { parseInput, type RepoContext } from './boundary.ts';
import { rowToCollection } from './collections.ts';

const pageSize = z.number().int().min(1).max(10_000).default(2_000);
export type FactPageOptions = { pageSize?: number };

/** Facts were parsed on the way in; parsing hundreds of thousands again on every assessment would cost seconds. */
const storedFact = (body: unknown): Fact => body as Fact;

export function factsRepo({ inOrg }: RepoContext) {
  async function* collectionFacts(
    org: OrganizationId,
    collectionId: CollectionId,
    options: FactPageOptions = {},
  ): AsyncGenerator<Fact> {
    const limit = parseInput(pageSize, options.pageSize, 'page size');
    let after = -1;
    for (;;) {
      const rows = await inOrg(org, (db) =>
        db
          .select({ seq: facts.seq, body: facts.body })
          .from(facts)
          .where(and(eq(facts.organizationId, org), eq(facts.collectionId, collectionId), gt(facts.seq, after)))
          .orderBy(asc(facts.seq))
          .limit(limit),
      );
      for (const row of rows) yield storedFact(row.body);
      const last = rows.at(-1);
      if (!last || rows.length < limit) return;
      after = last.seq;
    }
  }

  /** The newest succeeded or partial collection of each connection of the tenant that is not disabled. */
  async function latestCollections(org: OrganizationId, tenantId: TenantId): Promise<StoredCollection[]> {
    return inOrg(org, (db) => latestIn(db, org, tenantId));
  }

  async function latestIn(db: Db, org: OrganizationId, tenantId: TenantId): Promise<StoredCollection[]> {
    const tenantConnections = db
      .select({ id: connections.id })
      .from(connections)
      .where(
        and(
          eq(connections.organizationId, org),
          eq(connections.tenantId, tenantId),
          ne(connections.status, 'disabled'),
        ),
      );
    const rows = await db
      .selectDistinctOn([collections.connectionId])
      .from(collections)
      .where(
        and(
          eq(collections.organizationId, org),
          inArray(collections.connectionId, tenantConnections),
          inArray(collections.status, ['succeeded', 'partial']),
        ),
      )
      .orderBy(asc(collections.connectionId), desc(collections.finishedAt), desc(collections.id));
    return rows.map(rowToCollection);
  }

  return {
    collectionFacts,
    latestCollections,

    /** Streams, page by page, the facts the evaluator needs: those of `latestCollections`. */
    async *latestFacts(org: OrganizationId, tenantId: TenantId, options: FactPageOptions = {}): AsyncGenerator<Fact> {
      for (const c of await latestCollections(org, tenantId)) yield* collectionFacts(org, c.id, options);
    },
  };
}
