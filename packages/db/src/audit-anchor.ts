import { appendFile, readFile } from 'node:fs/promises';
import type { OrganizationId } from '@evident/core';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from './client.ts';
import { rowsOf } from './repos/boundary.ts';
import type { Store } from './store.ts';

const anchorLine = z.object({
  at: z.string(),
  organizationId: z.string(),
  events: z.number().int().min(0),
  head: z.string().nullable(),
});
type Anchor = z.infer<typeof anchorLine>;

/** Every organization's id, through the owner's lookup (migration 0006), so the runtime role can anchor them all. */
export async function listOrganizationIds(database: Database): Promise<OrganizationId[]> {
  const rows = rowsOf(await database.drizzle.execute(sql`select evident_organization_ids() as id`));
  return rows.map((r) => r.id as OrganizationId);
}

/**
 * Appends each organization's verified chain head to `path`, one JSON line each: a copy outside the database, so
 * a rewrite (even by someone holding the HMAC key) or a truncation shows against it. Broken chains are not anchored:
 * they are alerted, and the return value names them.
 */
export async function anchorAuditHeads(
  store: Store,
  orgs: readonly OrganizationId[],
  path: string,
  now: () => Date = () => new Date(),
): Promise<{ anchored: number; broken: OrganizationId[] }> {
  const lines: string[] = [];
  const broken: OrganizationId[] = [];
  for (const org of orgs) {
    const v = await store.verifyAuditChain(org);
    if (!v.valid) {
      await store.raiseAuditAlert(org, v);
      broken.push(org);
      continue;
    }
    const anchor: Anchor = { at: now().toISOString(), organizationId: org, events: v.events, head: v.head };
    lines.push(JSON.stringify(anchor));
  }
  if (lines.length > 0) await appendFile(path, `${lines.join('\n')}\n`, { mode: 0o600 });
  return { anchored: lines.length, broken };
}

export type AnchorCheck = { ok: true; anchors: number } | { ok: false; problem: string; brokenAt: number };

/** The last anchor of `org` in `path` must still be in its chain: the same hash at the same position. */
export async function checkAnchors(store: Store, org: OrganizationId, path: string): Promise<AnchorCheck> {
  const text = await readFile(path, 'utf8').catch((e: NodeJS.ErrnoException) =>
    e.code === 'ENOENT' ? '' : Promise.reject(e),
  );
  const mine = text
    .split('\n')
    .filter(Boolean)
    .map((l) => anchorLine.safeParse(JSON.parse(l)))
    .flatMap((r) => (r.success && r.data.organizationId === org ? [r.data] : []));
  const last = mine.at(-1);
  if (!last || last.events === 0) return { ok: true, anchors: mine.length };
  const [event] = await store.listAudit(org, { afterSeq: last.events - 1, limit: 1 });
  if (!event || event.seq !== last.events) {
    return { ok: false, brokenAt: last.events, problem: `event ${last.events}, anchored at ${last.at}, is gone` };
  }
  if (event.hash !== last.head) {
    return { ok: false, brokenAt: last.events, problem: `event ${last.events} differs from its anchor of ${last.at}` };
  }
  return { ok: true, anchors: mine.length };
}
