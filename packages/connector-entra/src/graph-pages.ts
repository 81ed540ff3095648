import type { CollectionSession } from '@evident/connector-kit';
import { type Client, RetryHandlerOptions } from '@microsoft/microsoft-graph-client';
import { classifyGraphError } from './errors.ts';

interface Page<T> {
  value?: T[];
  '@odata.nextLink'?: string;
}

/**
 * Graph's retry middleware does the waiting (it honours Retry-After and backs off where the service sends none);
 * the hook only reports each wait to progress. What still fails after its retries is classified and, when
 * retryable, tried again a bounded number of times by the session.
 */
function retryOptions<C, S>(session: CollectionSession<C, S>) {
  return new RetryHandlerOptions(1, 4, (delay: number) => {
    session.waited(delay * 1000);
    return true;
  });
}

export async function getOne<T, C, S>(
  session: CollectionSession<C, S>,
  client: Client,
  path: string,
  permission: string,
  query: Record<string, string> = {},
): Promise<T> {
  return session.call(
    async () => {
      try {
        return (await client
          .api(path)
          .query(query)
          .middlewareOptions([retryOptions(session)])
          .get()) as T;
      } catch (error) {
        throw classifyGraphError(error, permission);
      }
    },
    { attempts: 2 },
  );
}

/** Every page of a Graph collection, following `@odata.nextLink` as the service wrote it. */
export async function* pages<T, C, S>(
  session: CollectionSession<C, S>,
  client: Client,
  path: string,
  permission: string,
  query: Record<string, string> = {},
): AsyncGenerator<T[]> {
  let page = await getOne<Page<T>, C, S>(session, client, path, permission, query);
  for (;;) {
    session.page();
    yield page.value ?? [];
    const next = page['@odata.nextLink'];
    if (!next) return;
    page = await getOne<Page<T>, C, S>(session, client, next, permission);
  }
}
