import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { is } from 'drizzle-orm';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { describe, expect, it, onTestFinished } from 'vitest';
import { MIGRATIONS_FOLDER } from './migrate.ts';
import * as schema from './schema/index.ts';

const PACKAGE = fileURLToPath(new URL('..', import.meta.url));
const tables = Object.values(schema as Record<string, unknown>).filter((v): v is PgTable => is(v, PgTable));

describe('schema', () => {
  it('matches the committed migrations: drizzle-kit generate finds nothing to do', async () => {
    const out = mkdtempSync(join(tmpdir(), 'evident-migrations-'));
    onTestFinished(() => rmSync(out, { recursive: true, force: true }));
    cpSync(MIGRATIONS_FOLDER, out, { recursive: true });
    const before = readdirSync(out, { recursive: true }).sort();
    const bin = join(dirname(createRequire(import.meta.url).resolve('drizzle-kit')), 'bin.cjs');
    // drizzle-kit prefixes `--out` with "./", so it is given relative to the package.
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        bin,
        'generate',
        '--dialect',
        'postgresql',
        '--schema',
        './src/schema/index.ts',
        '--out',
        relative(PACKAGE, out),
      ],
      { cwd: PACKAGE },
    );
    expect(stdout).toContain('No schema changes, nothing to migrate');
    expect(readdirSync(out, { recursive: true }).sort()).toEqual(before);
  });

  it('gives every table but organizations an organization_id that references organizations', () => {
    expect(tables.length).toBe(37);
    for (const table of tables) {
      const config = getTableConfig(table);
      // Sign-in failures and ceremonies in flight are kept before anyone knows which organization they are for.
      if (['organizations', 'sign_in_failures', 'auth_flows'].includes(config.name)) continue;
      const column = config.columns.find((c) => c.name === 'organization_id');
      expect(column?.notNull, config.name).toBe(true);
      const refs = config.foreignKeys
        .map((fk) => fk.reference())
        .filter((r) => r.foreignTable === schema.organizations);
      expect(
        refs.map((r) => r.columns.map((c) => c.name)),
        config.name,
      ).toEqual([['organization_id']]);
    }
  });
});
