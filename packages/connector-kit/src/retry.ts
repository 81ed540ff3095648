import { asConnectorError, type ConnectorError } from './errors.ts';

export interface RetryOptions {
  /** Attempts in all, the first included. */
  attempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  signal?: AbortSignal;
  /** Called before each wait, with what went wrong. */
  onWait?: (ms: number, error: ConnectorError) => void;
  /** Maps an SDK error into the taxonomy; retryable codes are retried. */
  classify?: (error: unknown) => ConnectorError;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener('abort', abort);
      resolve();
    }
    function abort() {
      clearTimeout(timer);
      reject(signal?.reason);
    }
    signal?.addEventListener('abort', abort, { once: true });
  });
}

/**
 * Runs `fn` until it succeeds, a non-retryable error occurs, or the attempts run out. Waits what the provider asked
 * (Retry-After) when it said, else exponential backoff with full jitter. The last error is thrown, classified.
 */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const { attempts = 5, baseDelayMs = 500, maxDelayMs = 60_000, signal, onWait } = options;
  const classify = options.classify ?? asConnectorError;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (raw) {
      const error = classify(raw);
      if (!error.retryable || attempt >= attempts || signal?.aborted) throw error;
      const backoff = Math.random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
      const ms = Math.min(maxDelayMs, error.details.retryAfterMs ?? backoff);
      onWait?.(ms, error);
      await sleep(ms, signal);
    }
  }
}
