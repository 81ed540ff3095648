/** How patient the connector is with Graph and Resource Manager; tests shorten it, the defaults suit Microsoft. */
export interface EntraTuning {
  /** Deadline of one HTTP attempt (the Graph SDK sets none, so an unanswered request would wait forever). */
  timeoutMs: number;
  /** Attempts of the connector's own retry of failed calls (5xx, resets, timeouts, cut bodies), the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Times the Graph SDK waits out a 429 on its own (honouring Retry-After) before the connector's retry sees it. */
  throttleRetries: number;
}

export const DEFAULT_TUNING: EntraTuning = {
  timeoutMs: 60_000,
  attempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  throttleRetries: 4,
};
