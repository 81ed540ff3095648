import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { btree_gin } from '@electric-sql/pglite/contrib/btree_gin';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { InvalidInputError } from '@evident/core';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import pg from 'pg';
import { z } from 'zod';

/** What repositories run queries on: the database itself or a transaction inside it, for either driver. */
export type Db = PgDatabase<PgQueryResultHKT>;

interface Handle {
  readonly drizzle: Db;
  close(): Promise<void>;
}
export interface PostgresDatabase extends Handle {
  readonly driver: 'pg';
  readonly pool: pg.Pool;
}
export interface EmbeddedDatabase extends Handle {
  readonly driver: 'pglite';
  readonly client: PGlite;
}
export type Database = PostgresDatabase | EmbeddedDatabase;

const options = z.object({
  /** `postgres://…` for a server; a folder path (or `file://` URL) or `memory://` for embedded PGlite. */
  url: z.string().min(1),
  /** Pool size for a server; PGlite is one connection. */
  maxConnections: z.number().int().positive().default(10),
  /** How long a query waits for a pooled connection before it fails (0: forever). */
  acquireTimeoutMs: z.number().int().min(0).default(10_000),
  /** The server ends a session left idle inside a transaction this long (0: never): a stuck caller frees its connection. */
  idleInTransactionTimeoutMs: z.number().int().min(0).default(60_000),
  /** Called with the SQL text (never the parameters) of every statement: for metrics and tests. */
  onQuery: z.custom<(sql: string) => void>((v) => typeof v === 'function').optional(),
  /** Errors of idle pooled connections (the server restarted, the network dropped). */
  onPoolError: z.custom<(error: Error) => void>((v) => typeof v === 'function').optional(),
});
export type DatabaseOptions = z.input<typeof options>;

type Target = { driver: 'pg'; url: string } | { driver: 'pglite'; dataDir: string | undefined };

function target(url: string): Target {
  if (/^postgres(ql)?:\/\//.test(url)) return { driver: 'pg', url };
  if (url === 'memory://') return { driver: 'pglite', dataDir: undefined };
  if (url.startsWith('file://')) return { driver: 'pglite', dataDir: fileURLToPath(url) };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    throw new InvalidInputError('database url must be postgres://…, memory:// or a folder path', [
      { path: 'url', message: `unsupported scheme ${url.slice(0, url.indexOf(':'))}` },
    ]);
  }
  return { driver: 'pglite', dataDir: resolve(url) };
}

type QueryArgs = [config: unknown, values?: unknown, callback?: unknown];

/**
 * A checked-out client (a transaction's) answers through `pg`'s callback, in a plain promise. `pg`'s own promise kept
 * a read's rows reachable from already promoted garbage until the next full collection: a transaction reading page
 * after page had every page promoted to the old generation, and its heap grew with the number of pages (300,000 facts
 * in pages of 500: 110 MB promoted, against 1.4 MB through the callback). Streams and callers passing a callback are
 * left as they are.
 */
function answerThroughCallback(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: QueryArgs) => unknown;
  (client as unknown as { query: (...args: QueryArgs) => unknown }).query = (config, values, callback) => {
    const submittable = typeof (config as { submit?: unknown } | null)?.submit === 'function';
    if (submittable || typeof values === 'function' || typeof callback === 'function') {
      return query(config, values, callback);
    }
    return new Promise((resolve, reject) =>
      query(config, values, (error: Error | null, result: unknown) => (error ? reject(error) : resolve(result))),
    ).catch((error: Error) => {
      // As `pg` does: the trace leads back to the caller, not to the socket's read.
      Error.captureStackTrace(error);
      throw error;
    });
  };
}

/** Opens a database: a `pg` pool for `postgres://` URLs, PGlite for a folder or `memory://`. Call `migrate` next. */
export async function createDatabase(input: DatabaseOptions): Promise<Database> {
  const parsed = options.safeParse(input);
  if (!parsed.success) {
    throw new InvalidInputError(
      'database options are not valid',
      parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    );
  }
  const opts = parsed.data;
  const onQuery = opts.onQuery;
  const logger = onQuery ? { logQuery: (query: string) => onQuery(query) } : false;
  const where = target(opts.url);
  if (where.driver === 'pg') {
    const pool = new pg.Pool({
      connectionString: where.url,
      max: opts.maxConnections,
      connectionTimeoutMillis: opts.acquireTimeoutMs,
      idle_in_transaction_session_timeout: opts.idleInTransactionTimeoutMs,
    });
    // The pool hears errors of idle clients only; a client checked out for a transaction whose connection drops
    // between two statements would emit an error nobody hears and crash the process. Its next statement fails,
    // the caller's transaction rolls back, and the pool discards the client.
    pool.on('error', (error) => opts.onPoolError?.(error));
    pool.on('connect', (client) => {
      client.on('error', (error) => opts.onPoolError?.(error));
      answerThroughCallback(client);
    });
    return { driver: 'pg', pool, drizzle: drizzlePg({ client: pool, logger }), close: () => pool.end() };
  }
  // pg_trgm and btree_gin back the evidence search index; PostgreSQL ships them, PGlite loads them here.
  const client = await PGlite.create(where.dataDir, { extensions: { btree_gin, pg_trgm } });
  return { driver: 'pglite', client, drizzle: drizzlePglite({ client, logger }), close: () => client.close() };
}
