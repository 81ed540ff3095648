import type { CollectionId, FactInput, OrganizationId } from '@evident/core';
import { sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import type { Spool } from './fact-spool.ts';

export type FactSource = AsyncIterable<FactInput> | Iterable<FactInput>;

/**
 * Also caps a batch by size. Small on purpose: a batch's JSON (the joined bodies, then the parameter) stays under
 * V8's large-object size (128 KiB). Bigger strings are allocated straight in the old generation and pile up there
 * as garbage until a full collection: with batches of 2,000 facts, that was over a quarter of a 300,000-user collection's
 * peak memory.
 */
export const BATCH_CHARS = 64 * 1024;

/**
 * One statement per batch, whatever its size: the batch travels as a single JSON array parameter and the server
 * unpacks it, numbering the rows. This skips building SQL row by row, which is what makes big inserts slow.
 */
async function insertBatch(db: Db, org: OrganizationId, collectionId: CollectionId, first: number, bodies: string[]) {
  await db.execute(sql`
    insert into "facts" ("organization_id", "collection_id", "seq", "type", "subject", "body")
    select ${org}::text, ${collectionId}::text, ${first}::int + e.ord::int - 1, e.body->>'type', e.body->>'subject', e.body
    from jsonb_array_elements(${`[${bodies.join(',')}]`}::jsonb) with ordinality as e(body, ord)`);
}

/** Inserts the spooled facts in batches of at most `batchSize` rows and BATCH_CHARS of JSON (or one bigger fact). */
export async function writeFacts(
  db: Db,
  org: OrganizationId,
  collectionId: CollectionId,
  spool: Spool,
  batchSize: number,
): Promise<{ facts: number; gaps: number; batches: number }> {
  let seq = 0;
  let batches = 0;
  let bodies: string[] = [];
  let chars = 0;
  const flush = async () => {
    await insertBatch(db, org, collectionId, seq - bodies.length, bodies);
    batches++;
    bodies = [];
    chars = 0;
  };
  for await (const body of spool.bodies()) {
    if (bodies.length >= batchSize || (bodies.length > 0 && chars + body.length > BATCH_CHARS)) await flush();
    bodies.push(body);
    chars += body.length;
    seq++;
  }
  if (bodies.length > 0) await flush();
  return { facts: spool.facts, gaps: spool.gaps, batches };
}
