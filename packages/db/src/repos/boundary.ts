import { InvalidInputError, NotFoundError, type OrganizationId } from '@evident/core';
import { type SQL, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { Db } from '../client.ts';
import type { Keyring } from '../crypto.ts';

/** What every repository is built on: a database or a transaction in it, and the keyring for secrets. */
export interface RepoContext {
  db: Db;
  keyring: Keyring;
  /**
   * Runs `work` in a transaction scoped to `org` for row-level security (the store does this around every call;
   * functions that stream use it per page instead, so no transaction stays open between pages).
   */
  inOrg<T>(org: OrganizationId, work: (db: Db) => Promise<T>): Promise<T>;
}

export function parseInput<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new InvalidInputError(
    `${what} is not valid`,
    parsed.error.issues.map((i) => ({ path: i.path.join('.') || '(root)', message: i.message })),
  );
}

export function found<T>(row: T | undefined, what: string, id: string): T {
  if (row === undefined) throw new NotFoundError(what, id);
  return row;
}

export const iso = (d: Date): string => d.toISOString();
export const isoOrNull = (d: Date | null): string | null => (d ? d.toISOString() : null);

/** Both drivers answer `execute` with `{ rows }`; the generic database type cannot say so. */
export const rowsOf = (result: unknown): Record<string, unknown>[] =>
  (result as { rows: Record<string, unknown>[] }).rows;

/**
 * The organization a credential belongs to, through one of the owner's lookup functions (migration 0006): the only
 * reads that may cross organizations, and they answer with an id alone.
 */
export async function organizationOf(db: Db, lookup: SQL): Promise<OrganizationId | null> {
  const [row] = rowsOf(await db.execute(sql`select ${lookup} as organization_id`));
  return (row?.organization_id as OrganizationId | null | undefined) ?? null;
}
