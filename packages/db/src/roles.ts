import { InvalidInputError } from '@evident/core';
import { sql } from 'drizzle-orm';
import type { Database } from './client.ts';

/** The group role migration 0003 creates and grants: what the server and workers may do, and no more. */
export const RUNTIME_ROLE = 'evident_runtime';

/**
 * Creates (or updates) a login role for the server and workers as a member of `evident_runtime`; run as the
 * owner after `migrate`. Without a password the role relies on the server's authentication rules (peer, cert).
 */
export async function grantRuntimeLogin(database: Database, user: string, password?: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(user)) {
    throw new InvalidInputError('runtime user is not valid', [
      { path: 'runtime-user', message: 'lower-case letters, digits and _, starting with a letter or _' },
    ]);
  }
  const db = database.drizzle;
  const result = await db.execute(sql`select count(*)::int as n from pg_roles where rolname = ${user}`);
  const exists = (result as unknown as { rows: { n: number }[] }).rows[0]?.n ?? 0;
  const verb = exists > 0 ? 'ALTER' : 'CREATE';
  const secret = password === undefined ? '' : ` PASSWORD ${quoteLiteral(password)}`;
  await db.execute(sql.raw(`${verb} ROLE "${user}" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS${secret}`));
  await db.execute(sql.raw(`GRANT "${RUNTIME_ROLE}" TO "${user}"`));
}

const quoteLiteral = (value: string) => `'${value.replaceAll("'", "''")}'`;
