import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ConnectionId, newId, type OrganizationId, type RunId, type TenantId } from '@evident/core';
import pg from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';
import { createDatabase, type Database } from '../client.ts';
import { generateSecretKey, type SecretKey } from '../crypto.ts';
import { migrate } from '../migrate.ts';
import type { CreateConnectionInput } from '../repos/connections.ts';
import { grantRuntimeLogin, RUNTIME_ROLE } from '../roles.ts';
import { createStore, type Store } from '../store.ts';

/** The local server the suite also runs against (trust authentication, loopback only). */
export const SERVER_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
export const DRIVERS = ['pglite', 'pg'] as const;
export type Driver = (typeof DRIVERS)[number];

export interface TestDatabase {
  driver: Driver;
  database: Database;
  store: Store;
  key: SecretKey;
  /** SQL text of every statement since the test last emptied it. */
  queries: string[];
  close(): Promise<void>;
}

/** A fresh, empty database: a temporary PGlite folder, or a new database on the local server. */
export async function openTestDatabase(driver: Driver, options: { migrated?: boolean } = {}): Promise<TestDatabase> {
  const queries: string[] = [];
  const onQuery = (sql: string) => queries.push(sql);
  let database: Database;
  let drop: () => Promise<void>;
  if (driver === 'pglite') {
    const dir = await mkdtemp(join(tmpdir(), 'evident-db-'));
    database = await createDatabase({ url: dir, onQuery });
    drop = () => rm(dir, { recursive: true, force: true });
  } else {
    const name = `evident_test_${randomBytes(6).toString('hex')}`;
    await admin(`create database ${name}`);
    database = await createDatabase({ url: SERVER_URL.replace(/\/postgres$/, `/${name}`), onQuery, maxConnections: 4 });
    drop = () => admin(`drop database if exists ${name} with (force)`);
  }
  if (options.migrated !== false) await migrate(database);
  const key = { id: 'test-1', key: generateSecretKey() };
  const store = createStore(database, { secrets: { current: key } });
  return {
    driver,
    database,
    store,
    key,
    queries,
    close: async () => {
      await database.close();
      await drop();
    },
  };
}

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: SERVER_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** Runs `suite` once per driver, each against its own migrated database shared by the tests of the file. */
export function describeBothDrivers(name: string, suite: (t: () => TestDatabase) => void): void {
  describe.each(DRIVERS)(`${name} [%s]`, (driver) => {
    let current: TestDatabase | undefined;
    beforeAll(async () => {
      current = await openTestDatabase(driver);
    });
    afterAll(async () => {
      await current?.close();
    });
    suite(() => {
      if (!current) throw new Error('the test database is not open');
      return current;
    });
  });
}

export interface Seeded {
  org: OrganizationId;
  tenant: TenantId;
  connection: ConnectionId;
  run: RunId;
}

/** A fresh organization with one tenant, one connection and one running assessment, so tests never share rows. */
export async function seed(
  store: Store,
  secret: CreateConnectionInput['secret'] = { token: `tok-${randomBytes(8).toString('hex')}` },
): Promise<Seeded> {
  const org = newId('org');
  await store.createOrganization(org, { name: 'Acme MSP' });
  const tenant = await store.createTenant(org, { name: 'Contoso', kind: 'customer' });
  const connection = await store.createConnection(org, {
    tenantId: tenant.id,
    kind: 'github',
    name: 'contoso-gh',
    config: { org: 'contoso' },
    secret,
  });
  const run = await store.createRun(org, { tenantId: tenant.id, trigger: 'manual' });
  return { org, tenant: tenant.id, connection: connection.id, run: run.id };
}

export interface RuntimeDatabase {
  store: Store;
  /** The database as the runtime role sees it, for the functions outside the store. */
  database: Database;
  /** Runs SQL as the runtime role; the error of a refused statement is thrown. */
  sql(statement: string, params?: unknown[]): Promise<unknown[]>;
  /** Runs SQL as the owner (a superuser here). */
  ownerSql(statement: string, params?: unknown[]): Promise<unknown[]>;
  close(): Promise<void>;
}

/**
 * The database of `owner` as the server and workers see it: a login role in `evident_runtime` on the server, or
 * (PGlite, one connection) the session switched to `evident_runtime` until an owner statement runs.
 */
export async function openRuntimeDatabase(owner: TestDatabase): Promise<RuntimeDatabase> {
  const secrets = { current: owner.key };
  if (owner.database.driver === 'pglite') {
    const client = owner.database.client;
    await client.exec(`SET ROLE ${RUNTIME_ROLE}`);
    const sql = async (s: string, p?: unknown[]) =>
      p ? (await client.query(s, p)).rows : ((await client.exec(s)).at(-1)?.rows ?? []);
    return {
      store: createStore(owner.database, { secrets }),
      database: owner.database,
      sql,
      ownerSql: async (s, p) => {
        await client.exec('RESET ROLE');
        try {
          return await sql(s, p);
        } finally {
          await client.exec(`SET ROLE ${RUNTIME_ROLE}`);
        }
      },
      close: () => client.exec('RESET ROLE').then(() => undefined),
    };
  }
  const user = `evident_rt_${randomBytes(4).toString('hex')}`;
  await grantRuntimeLogin(owner.database, user);
  const url = new URL(String(owner.database.pool.options.connectionString));
  url.username = user;
  const database = await createDatabase({ url: url.toString(), maxConnections: 2 });
  if (database.driver !== 'pg') throw new Error('expected a server database');
  return {
    store: createStore(database, { secrets }),
    database,
    sql: async (s, p) => (await database.pool.query(s, p)).rows,
    ownerSql: async (s, p) => {
      const pool = owner.database.driver === 'pg' ? owner.database.pool : never();
      return (await pool.query(s, p)).rows;
    },
    close: async () => {
      await database.close();
      await admin(`drop role if exists ${user}`);
    },
  };
}

const never = (): never => {
  throw new Error('unreachable');
};
