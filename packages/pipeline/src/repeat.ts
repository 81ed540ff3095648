/**
 * Runs `task` now and then every `intervalMs`, one run at a time, until stopped; a failed run goes to `onError` and
 * the next one still comes.
 */
export function repeat(intervalMs: number, task: () => Promise<unknown>, onError: (err: unknown) => void) {
  let running: Promise<unknown> | undefined;
  const run = () => {
    running ??= task()
      .catch(onError)
      .finally(() => {
        running = undefined;
      });
  };
  run();
  const timer = setInterval(run, intervalMs);
  timer.unref();
  return {
    /** No new run starts; the one in flight (it may wait on Redis) ends when the connections close. */
    stop(): Promise<unknown> {
      clearInterval(timer);
      return running ?? Promise.resolve();
    },
  };
}
