import type { Readable } from 'node:stream';

export interface Tuning {
  /** Deadline of one RPC attempt. */
  timeoutMs: number;
  /** How long the SDK may keep retrying the transient failures it retries on its own (UNAVAILABLE, DEADLINE...). */
  sdkRetryBudgetMs: number;
  /** Attempts of the connector's own retry (throttling and provider errors), the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Page size asked of list calls; the service's default when unset. */
  pageSize?: number;
}

export const DEFAULT_TUNING: Tuning = {
  timeoutMs: 60_000,
  sdkRetryBudgetMs: 120_000,
  attempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 60_000,
};

/** Call options that bound the SDK's own retries (the transient codes each method retries) by the tuning. */
export function gaxCallOptions({ timeoutMs, sdkRetryBudgetMs }: Tuning) {
  return {
    timeout: timeoutMs,
    retry: {
      backoffSettings: {
        initialRetryDelayMillis: 100,
        retryDelayMultiplier: 1.3,
        maxRetryDelayMillis: Math.min(60_000, sdkRetryBudgetMs),
        initialRpcTimeoutMillis: timeoutMs,
        rpcTimeoutMultiplier: 1,
        maxRpcTimeoutMillis: timeoutMs,
        totalTimeoutMillis: sdkRetryBudgetMs,
      },
    },
  };
}

/** The list calls, with the IAM permission each needs. */
export const PROBES = {
  buckets: { call: 'ConfigServiceV2.ListBuckets', permission: 'logging.buckets.list' },
  sinks: { call: 'ConfigServiceV2.ListSinks', permission: 'logging.sinks.list' },
  exclusions: { call: 'ConfigServiceV2.ListExclusions', permission: 'logging.exclusions.list' },
  entries: { call: 'LoggingServiceV2.ListLogEntries', permission: 'logging.logEntries.list' },
  projects: { call: 'Projects.ListProjects', permission: 'resourcemanager.projects.list' },
  folders: { call: 'Folders.ListFolders', permission: 'resourcemanager.folders.list' },
} as const;

/**
 * The call's answer, or the signal's reason as soon as it aborts: gax calls do not listen to a signal, so a stalled
 * call would otherwise outlive the caller's deadline by its own timeout and retry budget.
 */
export function untilAborted<T>(call: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(signal.reason);
    signal.addEventListener('abort', abort, { once: true });
    call.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}

/** All items of a paged stream; gax starts fetching only when the stream flows, and emits `response` per page. */
export function drain(stream: Readable, onPage: () => void): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const items: unknown[] = [];
    stream
      .on('response', onPage)
      .on('data', (item: unknown) => items.push(item))
      .on('error', reject)
      .on('end', () => resolve(items));
  });
}
