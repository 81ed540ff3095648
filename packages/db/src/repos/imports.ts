import {
  type ImportId,
  idSchema,
  isoDateTime,
  newId,
  type OrganizationId,
  type ProviderAccountId,
} from '@evident/core';
import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { seal, unseal } from '../crypto.ts';
import { IMPORT_STATUSES, imports, providerAccounts } from '../schema/provider-accounts.ts';
import { found, iso, isoOrNull, parseInput, type RepoContext } from './boundary.ts';

/** One selected customer, as discovery described it, and the tenant to attach it to (else a new one). */
export const importItem = z.object({
  externalId: z.string().min(1).max(500),
  name: z.string().trim().min(1).max(200),
  config: z.record(z.string(), z.json()),
  secret: z.record(z.string(), z.json()).optional(),
  tenantId: idSchema('ten').optional(),
});
export type ImportItem = z.infer<typeof importItem>;

const createInput = z.object({
  providerAccountId: idSchema('pac'),
  items: z.array(importItem).min(1).max(10_000),
  createdBy: z.string().min(1).max(100),
});

export const importProgress = z.object({
  id: idSchema('imp'),
  organizationId: idSchema('org'),
  providerAccountId: idSchema('pac'),
  status: z.enum(IMPORT_STATUSES),
  total: z.number().int(),
  /** Customers done: created, already there, or skipped with a reason. */
  done: z.number().int(),
  createdTenants: z.array(idSchema('ten')),
  failures: z.array(z.object({ externalId: z.string(), reason: z.string() })),
  error: z.string().nullable(),
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
  finishedAt: isoDateTime.nullable(),
});
export type ImportProgress = z.infer<typeof importProgress>;

type Row = typeof imports.$inferSelect;
const rowToProgress = (r: Row): ImportProgress =>
  importProgress.parse({
    id: r.id,
    organizationId: r.organizationId,
    providerAccountId: r.providerAccountId,
    status: r.status,
    total: r.total,
    done: r.cursor,
    createdTenants: r.createdTenants,
    failures: r.failures,
    error: r.error,
    createdAt: iso(r.createdAt),
    updatedAt: iso(r.updatedAt),
    finishedAt: isoOrNull(r.finishedAt),
  });

export const importItemsContext = (org: OrganizationId, id: ImportId) => `import ${id} of ${org}`;

const stepInput = z.object({
  /** The cursor this step started from: a step that lost a race to another worker changes nothing. */
  from: z.number().int().min(0),
  to: z.number().int().min(0),
  created: z.array(idSchema('ten')),
  failures: z.array(z.object({ externalId: z.string(), reason: z.string() })),
});

export function importsRepo({ db, keyring }: RepoContext) {
  const byId = (org: OrganizationId, id: ImportId) => and(eq(imports.organizationId, org), eq(imports.id, id));
  const get = async (org: OrganizationId, id: ImportId) => {
    const [row] = await db.select().from(imports).where(byId(org, id));
    return found(row, 'import', id);
  };

  return {
    async createImport(org: OrganizationId, input: z.input<typeof createInput>, now = new Date()) {
      const v = parseInput(createInput, input, 'import');
      const [account] = await db
        .select({ id: providerAccounts.id })
        .from(providerAccounts)
        .where(and(eq(providerAccounts.organizationId, org), eq(providerAccounts.id, v.providerAccountId)));
      found(account, 'provider account', v.providerAccountId);
      const id = newId('imp');
      const sealed = seal(keyring, JSON.stringify(v.items), importItemsContext(org, id));
      const [row] = await db
        .insert(imports)
        .values({
          id,
          organizationId: org,
          providerAccountId: v.providerAccountId as ProviderAccountId,
          itemsCiphertext: sealed.ciphertext,
          itemsIv: sealed.iv,
          itemsTag: sealed.tag,
          itemsKeyId: sealed.keyId,
          total: v.items.length,
          createdBy: v.createdBy,
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      return rowToProgress(row!);
    },

    async getImport(org: OrganizationId, id: ImportId): Promise<ImportProgress> {
      return rowToProgress(await get(org, id));
    },

    /** The selected customers, decrypted, for the import job. */
    async readImportItems(org: OrganizationId, id: ImportId): Promise<ImportItem[]> {
      const r = await get(org, id);
      const sealed = { ciphertext: r.itemsCiphertext, iv: r.itemsIv, tag: r.itemsTag, keyId: r.itemsKeyId };
      return z.array(importItem).parse(JSON.parse(unseal(keyring, sealed, importItemsContext(org, id))));
    },

    /**
     * Moves the cursor over what one step did, in the step's transaction: false (and nothing written) when the
     * cursor is no longer where the step began.
     */
    async advanceImport(org: OrganizationId, id: ImportId, step: z.input<typeof stepInput>, now = new Date()) {
      const v = parseInput(stepInput, step, 'import step');
      const moved = await db
        .update(imports)
        .set({
          cursor: v.to,
          status: 'running',
          createdTenants: sql`${imports.createdTenants} || ${JSON.stringify(v.created)}::jsonb`,
          failures: sql`${imports.failures} || ${JSON.stringify(v.failures)}::jsonb`,
          updatedAt: now,
        })
        .where(and(byId(org, id), eq(imports.cursor, v.from)))
        .returning({ id: imports.id });
      return moved.length > 0;
    },

    async finishImport(org: OrganizationId, id: ImportId, error: string | null, now = new Date()) {
      const [row] = await db
        .update(imports)
        .set({ status: error ? 'failed' : 'succeeded', error, updatedAt: now, finishedAt: now })
        .where(byId(org, id))
        .returning();
      return rowToProgress(found(row, 'import', id));
    },
  };
}
