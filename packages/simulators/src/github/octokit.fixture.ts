import { randomUUID } from 'node:crypto';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';

const Client = Octokit.plugin(throttling, retry);
export type TestOctokit = InstanceType<typeof Client>;

export interface Handled {
  primary: number;
  secondary: number;
}

export interface OctokitOptions {
  /** Called when the throttling plugin meets a primary rate limit; return whether to retry. */
  onRateLimit?: (retryAfter: number, retryCount: number) => boolean;
  /** The same for a secondary rate limit; by default retries up to five times. */
  onSecondaryRateLimit?: (retryAfter: number, retryCount: number) => boolean;
  signal?: AbortSignal;
  retries?: number;
}

const silent = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * Octokit as the GitHub connector builds it (throttling + retry plugins, 429 left to throttling), with every wait
 * shortened to milliseconds and its own throttle group so tests do not share Bottleneck state.
 */
export function octokitFor(baseUrl: string, token: string, opts: OctokitOptions = {}) {
  const handled: Handled = { primary: 0, secondary: 0 };
  const octokit = new Client({
    auth: token,
    baseUrl,
    log: silent,
    request: opts.signal ? { signal: opts.signal } : {},
    throttle: {
      id: randomUUID(),
      retryAfterBaseValue: 1,
      onRateLimit: (retryAfter: number, _options: unknown, _o: unknown, retryCount: number) => {
        handled.primary++;
        return opts.onRateLimit ? opts.onRateLimit(retryAfter, retryCount) : retryCount < 2;
      },
      onSecondaryRateLimit: (retryAfter: number, _options: unknown, _o: unknown, retryCount: number) => {
        handled.secondary++;
        return opts.onSecondaryRateLimit ? opts.onSecondaryRateLimit(retryAfter, retryCount) : retryCount < 5;
      },
    },
    retry: { retryAfterBaseValue: 1, retries: opts.retries ?? 3, doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451] },
  });
  return { octokit, handled };
}
