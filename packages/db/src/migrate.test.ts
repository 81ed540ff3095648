import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidInputError } from '@evident/core';
import { sql } from 'drizzle-orm';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createDatabase, type Database } from './client.ts';
import { MIGRATIONS_FOLDER, migrate } from './migrate.ts';
import { DRIVERS, openTestDatabase } from './testing/test-databases.ts';

const TABLES = [
  'alert_channels',
  'alert_digest_items',
  'alert_digests',
  'alert_flaps',
  'alert_mutes',
  'alert_outbox',
  'alert_psa_companies',
  'alert_psa_tickets',
  'alert_rules',
  'assessment_runs',
  'audit_alerts',
  'audit_events',
  'auth_flows',
  'branding',
  'collections',
  'connection_watches',
  'connections',
  'control_results',
  'drift_events',
  'exception_requests',
  'exceptions',
  'facts',
  'imports',
  'invitations',
  'organizations',
  'provider_accounts',
  'recovery_codes',
  'result_subjects',
  'share_accesses',
  'shares',
  'sign_in_failures',
  'signing_keys',
  'staff_auth_settings',
  'staff_passkeys',
  'staff_sessions',
  'staff_users',
  'tenants',
];
const JOURNAL = JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, 'meta/_journal.json'), 'utf8')) as {
  entries: unknown[];
};

async function rows(database: Database, query: ReturnType<typeof sql>): Promise<Record<string, unknown>[]> {
  const result = (await database.drizzle.execute(query)) as unknown as { rows: Record<string, unknown>[] };
  return result.rows;
}

const tables = async (database: Database) =>
  (
    await rows(database, sql`select table_name from information_schema.tables where table_schema = 'public' order by 1`)
  ).map((r) => r.table_name);
const applied = async (database: Database) =>
  Number((await rows(database, sql`select count(*) as n from drizzle.__drizzle_migrations`))[0]?.n);

describe.each(DRIVERS)('migrations [%s]', (driver) => {
  it('apply cleanly to an empty database, and applying them again changes nothing', async () => {
    const t = await openTestDatabase(driver, { migrated: false });
    onTestFinished(() => t.close());
    expect(await tables(t.database)).toEqual([]);
    await migrate(t.database);
    expect(await tables(t.database)).toEqual(TABLES);
    expect(await applied(t.database)).toBe(JOURNAL.entries.length);
    await migrate(t.database);
    expect(await applied(t.database)).toBe(JOURNAL.entries.length);
    expect(await tables(t.database)).toEqual(TABLES);
  });
});

describe('opening a database', () => {
  it('lets several processes migrate one server at the same time', async () => {
    const t = await openTestDatabase('pg', { migrated: false });
    onTestFinished(() => t.close());
    const url = (t.database.driver === 'pg' && (t.database.pool.options.connectionString as string)) || '';
    const others = await Promise.all([createDatabase({ url }), createDatabase({ url })]);
    onTestFinished(() => Promise.all(others.map((d) => d.close())).then(() => undefined));
    await Promise.all([migrate(t.database), ...others.map(migrate)]);
    expect(await applied(t.database)).toBe(JOURNAL.entries.length);
  });

  it('opens PGlite in memory', async () => {
    const database = await createDatabase({ url: 'memory://' });
    onTestFinished(() => database.close());
    await migrate(database);
    expect(database.driver).toBe('pglite');
    expect(await tables(database)).toEqual(TABLES);
  });

  it('refuses a URL it cannot serve', async () => {
    await expect(createDatabase({ url: 'mysql://root@127.0.0.1/evident' })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(createDatabase({ url: '' })).rejects.toBeInstanceOf(InvalidInputError);
  });
});
