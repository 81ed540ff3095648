import { DrizzleQueryError } from 'drizzle-orm/errors';

/**
 * A statement the database refused. Drizzle's own error prints every parameter, which may be a password hash or
 * megabytes of facts; this one keeps the SQL text and the server's error (code, detail, constraint) as its cause.
 */
export class DatabaseError extends Error {
  readonly query: string;
  /** The PostgreSQL SQLSTATE, e.g. `23505` for a unique violation. */
  readonly sqlState: string | undefined;
  constructor(query: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`the database refused a statement: ${reason}`, { cause });
    this.name = 'DatabaseError';
    this.query = query;
    const code = (cause as { code?: unknown } | undefined)?.code;
    this.sqlState = typeof code === 'string' ? code : undefined;
  }
}

export function translateError(error: unknown): unknown {
  return error instanceof DrizzleQueryError ? new DatabaseError(error.query, error.cause) : error;
}

async function* guardIterator<T>(source: AsyncGenerator<T>): AsyncGenerator<T> {
  try {
    yield* source;
  } catch (error) {
    throw translateError(error);
  }
}

const isAsyncGenerator = (value: unknown): value is AsyncGenerator<unknown> =>
  typeof value === 'object' && value !== null && Symbol.asyncIterator in value && 'next' in value;

/** Wraps every function of `functions` so what escapes it is a `DatabaseError`, never Drizzle's. */
export function guardErrors<T extends object>(functions: T): T {
  const guarded: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(functions) as [string, (...args: unknown[]) => unknown][]) {
    guarded[name] = (...args: unknown[]) => {
      const result = fn(...args);
      if (result instanceof Promise) return result.catch((error) => Promise.reject(translateError(error)));
      return isAsyncGenerator(result) ? guardIterator(result) : result;
    };
  }
  // The wrappers take and return exactly what the originals do, which TypeScript cannot follow through the loop.
  return guarded as T;
}
