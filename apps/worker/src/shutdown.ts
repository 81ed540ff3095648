import type { Logger } from 'pino';

export interface ShutdownRegistry {
  /** Steps run in the order they were added: stop taking work first, close the database last. */
  add(name: string, step: () => Promise<void>): void;
  /** Runs every step once, each even if an earlier one failed. */
  run(reason: string): Promise<void>;
}

export function createShutdown(logger: Logger): ShutdownRegistry {
  const steps: { name: string; step: () => Promise<void> }[] = [];
  let running: Promise<void> | undefined;
  return {
    add(name, step) {
      steps.push({ name, step });
    },
    run(reason) {
      running ??= (async () => {
        logger.info({ reason }, 'shutting down');
        for (const { name, step } of steps) {
          try {
            await step();
          } catch (err) {
            logger.error({ err, step: name }, 'shutdown step failed');
          }
        }
      })();
      return running;
    },
  };
}
