import type { CollectionSession } from '@evident/connector-kit';
import { ConnectorError } from '@evident/connector-kit';
import type { Fact } from '@evident/core';
import type { z } from 'zod';
import type { Endpoint } from './errors.ts';
import { parseBody, type SimpleUser, simpleUsers } from './schemas.ts';

/**
 * GitHub calls under the connection's limiter, each failure classified for the endpoint that failed. The SDK's
 * plugins already waited out throttling and retried transient failures, so nothing is retried here again.
 */
export class Reader<C, S> {
  constructor(
    private readonly session: CollectionSession<C, S>,
    private readonly classify: (error: unknown, endpoint: Endpoint) => ConnectorError,
  ) {}

  private async classified<T>(endpoint: Endpoint, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw this.classify(error, endpoint);
    }
  }

  async get<T>(endpoint: Endpoint, schema: z.ZodType<T>, source: string, call: () => Promise<{ data: unknown }>) {
    const response = await this.session.call(() => this.classified(endpoint, call), { attempts: 1 });
    return parseBody(schema, response.data, source);
  }

  /** The pages of a user list (from `octokit.paginate.iterator`), each counted in progress as it arrives. */
  async *users(
    endpoint: Endpoint,
    source: string,
    pages: AsyncIterable<{ data: unknown }>,
  ): AsyncGenerator<SimpleUser[]> {
    const it = pages[Symbol.asyncIterator]();
    for (;;) {
      const next = await this.session.call(() => this.classified(endpoint, () => it.next()), { attempts: 1 });
      if (next.done) return;
      this.session.page();
      yield parseBody(simpleUsers, next.value.data, source);
    }
  }

  /**
   * The ids of a list that is small in practice (owners, accounts without 2FA), held to look members up while
   * the full list streams. At most `cap` are held; a longer list fails rather than growing without bound.
   */
  async ids(
    endpoint: Endpoint,
    source: string,
    pages: AsyncIterable<{ data: unknown }>,
    cap: number,
    seen: (user: SimpleUser) => void = () => {},
  ) {
    const ids = new Set<number>();
    for await (const users of this.users(endpoint, source, pages)) {
      for (const u of users) {
        ids.add(u.id);
        seen(u);
      }
      if (ids.size > cap) {
        throw new ConnectorError(
          'not_supported',
          `${source} lists more than ${cap} accounts, more than the connector holds in memory; left unknown.`,
          {
            remedy:
              'The list is longer than the connector holds in memory; what it covers stays unknown until it is shorter.',
          },
        );
      }
    }
    return ids;
  }
}

/** A read whose result feeds later facts: it yields nothing itself, and its failure becomes the section's gap. */
export function effect(run: () => Promise<void>): () => AsyncIterable<Fact> {
  return () => ({
    [Symbol.asyncIterator]: () => ({
      next: async () => {
        await run();
        return { done: true, value: undefined };
      },
    }),
  });
}
