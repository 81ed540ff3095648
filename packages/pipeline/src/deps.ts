import type { EgressPolicy, LimiterOptions, Progress, RateLimiter } from '@evident/connector-kit';
import type { Provider } from '@evident/core';
import type { Store } from '@evident/db';
import type { ExportJobDeps } from '@evident/evidence';
import type { JobsConnection } from '@evident/jobs';
import type { Logger } from 'pino';
import type { ConnectorRegistry } from './connectors.ts';
import type { FirstRunSpread } from './import-queue.ts';
import type { WatchOptions } from './watch-budget.ts';

/** What every handler shares for the life of the worker. */
export interface WorkerDeps {
  store: Store;
  jobs: JobsConnection;
  connectors: ConnectorRegistry;
  limits: Partial<Record<Provider, LimiterOptions>>;
  /** A new limiter for one job of a connection of this kind: its connector's `limits` under the deployment's. */
  limiterFor(kind: Provider): RateLimiter;
  /** How the change watchers poll and how re-assessments are debounced. */
  watch: WatchOptions;
  egress: EgressPolicy;
  now: () => Date;
  throttle: { maxDeferrals: number; deferMs: number };
  /** How an import's new tenants' first assessments are spread over the providers' throttle windows. */
  firstRuns: FirstRunSpread;
  /** Where evidence packs go, how long they stay and who hears of them; without it, export jobs are refused. */
  exports?: Omit<ExportJobDeps, 'store'>;
  /** Where alert links point (the dashboard's public origin); without it, alert deliveries are refused. */
  alerts?: { publicOrigin: string; retry?: { attempts: number; backoffMs: number } };
}

/** What one dequeued job gives its handler. */
export interface JobRuntime {
  logger: Logger;
  /** Aborted when the worker shuts down past its deadline. */
  signal: AbortSignal;
  deferrals: number;
  progress(update: Progress): void;
  /** Puts the job back, delayed, without using an attempt; never returns. */
  defer(ms: number): Promise<never>;
}
