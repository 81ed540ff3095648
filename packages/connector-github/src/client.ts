import { type EgressPolicy, egressDispatcher, type Logger } from '@evident/connector-kit';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { RequestError } from '@octokit/request-error';
import { Octokit } from '@octokit/rest';
import { type AppCredential, appAuth } from './app-auth.ts';
import { DEFAULT_API, type GithubContext, type GithubSecret } from './config.ts';

/**
 * A 200 whose JSON body was cut short reaches Octokit as a string; this plugin turns it into a 502 so that the retry
 * plugin (applied after it, hence around it) asks again instead of handing a string to the pager.
 */
function rejectMalformedJson(octokit: Pick<Octokit, 'hook'>) {
  octokit.hook.wrap('request', async (request, options) => {
    const response = await request(options);
    const type = String(response.headers['content-type'] ?? '');
    if (typeof response.data === 'string' && /json/i.test(type)) {
      throw new RequestError('Malformed JSON in the response body (truncated?)', 502, { request: options, response });
    }
    return response;
  });
}

const GithubOctokit = Octokit.plugin(rejectMalformedJson, throttling, retry);
export type GithubClient = InstanceType<typeof GithubOctokit>;

/** How patient the client is. The waits GitHub asks for are honoured by the SDK's throttling plugin, within bounds. */
export interface ClientTuning {
  /** Milliseconds per second of every wait the SDK computes (Retry-After, rate-limit reset, retry backoff). */
  retryAfterBaseValue: number;
  /** Waits accepted per throttled request; after them the request fails as `throttled`. */
  throttleRetries: number;
  /** The longest single wait accepted (a primary limit may reset an hour later). */
  maxWaitMs: number;
  /** Retries of server errors, network failures, timeouts and malformed bodies. */
  retries: number;
  requestTimeoutMs: number;
}

export const DEFAULT_TUNING: ClientTuning = {
  retryAfterBaseValue: 1000,
  throttleRetries: 3,
  maxWaitMs: 5 * 60_000,
  retries: 3,
  requestTimeoutMs: 30_000,
};

export interface ClientOptions {
  baseUrl: string;
  /** A classic token, the App installation whose tokens the client obtains and renews itself, or the App itself. */
  credential: GithubSecret | AppCredential;
  /** Keys the throttling plugin's (process-wide) limiter groups, so connections do not slow each other down. */
  id: string;
  signal: AbortSignal;
  logger: Logger;
  /** Every connection is opened through it: no loopback, link-local or private address unless allowed. */
  egress: EgressPolicy;
  /** Calls in flight at once (the connection's limiter); the sockets per origin need not exceed it. */
  connections?: number;
  tuning: ClientTuning;
  /** Told of every wait the SDK is about to do because GitHub throttled a request. */
  onWait(ms: number): void;
}

function fetchWithTimeout(ms: number, egress: EgressPolicy, connections: number | undefined): typeof fetch {
  const dispatcher = egressDispatcher(egress, connections ? { connections } : {});
  return (input, init) => {
    const timeout = AbortSignal.timeout(ms);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    return fetch(input, { ...init, signal, dispatcher } as RequestInit);
  };
}

export function createClient(o: ClientOptions): GithubClient {
  const { tuning } = o;
  const mayWait = (after: number, _options: unknown, _octokit: unknown, retryCount: number): boolean => {
    const ms = after * tuning.retryAfterBaseValue;
    if (retryCount >= tuning.throttleRetries || ms > tuning.maxWaitMs) return false;
    o.onWait(ms);
    return true;
  };
  return new GithubOctokit({
    baseUrl: o.baseUrl.replace(/\/+$/, ''),
    ...(o.credential.kind === 'app' ? appAuth(o.credential) : { auth: o.credential.token }),
    userAgent: 'evident-connector-github',
    headers: { 'x-github-api-version': '2022-11-28' },
    request: { signal: o.signal, fetch: fetchWithTimeout(tuning.requestTimeoutMs, o.egress, o.connections) },
    log: {
      debug: (m: string) => o.logger.debug(m),
      info: (m: string) => o.logger.debug(m),
      warn: (m: string) => o.logger.warn(m),
      // Failed requests are classified into gaps by the connector; the request log only adds detail.
      error: (m: string) => o.logger.debug(m),
    },
    throttle: {
      id: o.id,
      retryAfterBaseValue: tuning.retryAfterBaseValue,
      onRateLimit: mayWait,
      onSecondaryRateLimit: mayWait,
    },
    retry: {
      doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451],
      retries: tuning.retries,
      retryAfterBaseValue: tuning.retryAfterBaseValue,
    },
  });
}

/** The client of one connection, pointed at its endpoint, cancelled with it, waits reported to `onWait`. */
export function clientFor(ctx: GithubContext, tuning: ClientTuning, onWait: (ms: number) => void): GithubClient {
  return createClient({
    baseUrl: ctx.config.endpoints.api ?? DEFAULT_API,
    credential: ctx.secret,
    id: ctx.connection,
    signal: ctx.signal,
    logger: ctx.logger,
    egress: ctx.egress,
    ...(ctx.limiter.concurrency ? { connections: ctx.limiter.concurrency } : {}),
    tuning,
    onWait,
  });
}
