import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from './client.ts';
import { SERVER_URL } from './testing/test-databases.ts';

describe('the connection pool [pg]', () => {
  const name = `evident_test_${randomBytes(6).toString('hex')}`;
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: SERVER_URL });
    await client.connect();
    await client.query(statement).finally(() => client.end());
  };
  beforeAll(() => admin(`create database ${name}`));
  afterAll(() => admin(`drop database if exists ${name} with (force)`));
  const url = () => SERVER_URL.replace(/\/postgres$/, `/${name}`);

  it('fails a query that waits longer than the acquire timeout for a connection', async () => {
    const database = await createDatabase({ url: url(), maxConnections: 1, acquireTimeoutMs: 200 });
    if (database.driver !== 'pg') throw new Error('expected pg');
    const held = await database.pool.connect();
    const started = Date.now();
    await expect(database.pool.query('select 1')).rejects.toThrow(/timeout/i);
    expect(Date.now() - started).toBeLessThan(2_000);
    held.release();
    await database.close();
  });

  it('answers a checked-out client in each of the forms pg takes', async () => {
    const database = await createDatabase({ url: url() });
    if (database.driver !== 'pg') throw new Error('expected pg');
    const client = await database.pool.connect();
    try {
      expect((await client.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
      expect((await client.query('select $1::int + 1 as two', [1])).rows).toEqual([{ two: 2 }]);
      expect((await client.query({ text: 'select $1::text as t', values: ['x'], rowMode: 'array' })).rows).toEqual([
        ['x'],
      ]);
      const failed = await client.query('select 1/0').then(
        () => null,
        (error: unknown) => error,
      );
      expect(failed).toBeInstanceOf(pg.DatabaseError);
      expect((failed as pg.DatabaseError).code).toBe('22012');
      const viaCallback = await new Promise((resolve, reject) =>
        client.query('select $1::int as n', [3], (error, result) => (error ? reject(error) : resolve(result.rows))),
      );
      expect(viaCallback).toEqual([{ n: 3 }]);
      const submitted = new pg.Query('select 4 as n');
      const rows: unknown[] = [];
      submitted.on('row', (row) => rows.push(row));
      const ended = new Promise((resolve) => submitted.on('end', resolve));
      expect(client.query(submitted)).toBe(submitted);
      await ended;
      expect(rows).toEqual([{ n: 4 }]);
    } finally {
      client.release();
      await database.close();
    }
  });

  it('has the server end a session left idle inside a transaction', async () => {
    const database = await createDatabase({ url: url(), idleInTransactionTimeoutMs: 200, onPoolError: () => {} });
    if (database.driver !== 'pg') throw new Error('expected pg');
    const client = await database.pool.connect();
    client.on('error', () => {});
    await client.query('begin');
    await new Promise((r) => setTimeout(r, 600));
    await expect(client.query('select 1')).rejects.toThrow();
    client.release(true);
    await database.close();
  });
});
