import { TooManyError } from '../errors.ts';

/** How many argon2 computations run at once in this process, and how many more may wait for a turn. */
export interface PasswordWorkLimit {
  concurrent: number;
  waiting: number;
}

/**
 * A semaphore over argon2: each hash holds 19 MiB and a core for tens of milliseconds, so sign-ins beyond the cap
 * wait their turn, and past the queue are refused at once rather than pile up.
 */
export function passwordWorkGate(initial: PasswordWorkLimit) {
  let limit = initial;
  let running = 0;
  const queue: (() => void)[] = [];
  const release = () => {
    running--;
    const next = queue.shift();
    if (next) {
      running++;
      next();
    }
  };
  return {
    setLimit(next: PasswordWorkLimit) {
      limit = next;
    },
    async run<T>(work: () => Promise<T>): Promise<T> {
      if (running >= limit.concurrent) {
        if (queue.length >= limit.waiting)
          throw new TooManyError('the server is busy checking passwords; try again in a moment', 1);
        await new Promise<void>((resolve) => queue.push(resolve));
      } else running++;
      try {
        return await work();
      } finally {
        release();
      }
    },
  };
}
