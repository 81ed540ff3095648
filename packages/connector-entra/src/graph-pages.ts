import type { CollectionSession } from '@evident/connector-kit';
import { RetryHandlerOptions } from '@microsoft/microsoft-graph-client';
import type { Graph } from './client.ts';
import { classifyGraphError } from './errors.ts';

interface Page<T> {
  value?: T[];
  '@odata.nextLink'?: string;
}

/**
 * Graph's retry middleware waits out 429s (honouring Retry-After, backing off where the service sends none, as
 * conditional access does); the hook reports each wait to progress. Other failures reach the session, whose retry
 * backs off by the connector's tuning.
 */
function retryOptions<C, S>(session: CollectionSession<C, S>, graph: Graph) {
  return new RetryHandlerOptions(1, graph.tuning.throttleRetries, (delay, _attempt, _request, _options, response) => {
    if (response.status !== 429) return false;
    const retryAfter = Number(response.headers.get('retry-after'));
    session.waited((Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : delay) * 1000);
    return true;
  });
}

export async function getOne<T, C, S>(
  session: CollectionSession<C, S>,
  graph: Graph,
  path: string,
  permission: string,
  query: Record<string, string> = {},
): Promise<T> {
  const { attempts, baseDelayMs, maxDelayMs } = graph.tuning;
  return session.call(
    async () => {
      try {
        // A `/beta/…` path reads Graph beta (what v1.0 lacks, such as `isPrivileged`); everything else is v1.0.
        const beta = path.startsWith('/beta/');
        return (await graph.client
          .api(beta ? path.slice('/beta'.length) : path)
          .version(beta ? 'beta' : 'v1.0')
          .query(query)
          .middlewareOptions([retryOptions(session, graph)])
          .get()) as T;
      } catch (error) {
        throw classifyGraphError(error, permission);
      }
    },
    { attempts, baseDelayMs, maxDelayMs },
  );
}

/** Every page of a Graph collection, following `@odata.nextLink` as the service wrote it. */
export async function* pages<T, C, S>(
  session: CollectionSession<C, S>,
  graph: Graph,
  path: string,
  permission: string,
  query: Record<string, string> = {},
): AsyncGenerator<T[]> {
  let page = await getOne<Page<T>, C, S>(session, graph, path, permission, query);
  for (;;) {
    session.page();
    yield page.value ?? [];
    const next = page['@odata.nextLink'];
    if (!next) return;
    page = await getOne<Page<T>, C, S>(session, graph, next, permission);
  }
}
