import { fileURLToPath } from 'node:url';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import type { Database } from './client.ts';
import { translateError } from './errors.ts';

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../migrations', import.meta.url));

/** An arbitrary constant: the advisory lock every process takes before it migrates a shared server. */
const MIGRATION_LOCK = '4471920583';

/** Applies the committed migrations that have not run yet. Safe to call from several processes at once. */
export async function migrate(database: Database): Promise<void> {
  await apply(database).catch((error) => Promise.reject(translateError(error)));
}

async function apply(database: Database): Promise<void> {
  const config = { migrationsFolder: MIGRATIONS_FOLDER };
  if (database.driver === 'pglite') {
    await migratePglite(drizzlePglite({ client: database.client }), config);
    return;
  }
  // The migrator reads the applied list before its transaction, so two processes could both apply the same step.
  const client = await database.pool.connect();
  try {
    await client.query('select pg_advisory_lock($1::bigint)', [MIGRATION_LOCK]);
    try {
      await migratePg(drizzlePg({ client }), config);
    } finally {
      await client.query('select pg_advisory_unlock($1::bigint)', [MIGRATION_LOCK]);
    }
  } finally {
    client.release();
  }
}
