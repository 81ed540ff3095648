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
  entries: { call: 'LoggingServiceV2.ListLogEntries', permission: 'logging.logEntries.list' },
  projects: { call: 'Projects.ListProjects', permission: 'resourcemanager.projects.list' },
  folders: { call: 'Folders.ListFolders', permission: 'resourcemanager.folders.list' },
} as const;

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
