import type { Fact } from '@evident/core';

export interface Step {
  phase: string;
  /** Phases whose state this step reads; it starts once they have finished, failed or not. */
  after: readonly string[];
  facts: () => AsyncIterable<Fact>;
}

/** Facts a step holds before it pauses: keeps a huge tenant's identities streaming, not piling up. */
const BUFFERED = 256;

interface Lane {
  facts: Fact[];
  finished: boolean;
  room: (() => void) | undefined;
}

/**
 * Runs every step as soon as the steps it comes after are done, and yields their facts in the steps' order, so
 * the output does not depend on timing. A step's own failure is its section's gap; only an abort (a section
 * rethrows it) ends the whole run.
 */
export async function* concurrently(steps: readonly Step[]): AsyncGenerator<Fact> {
  const lanes: Lane[] = steps.map(() => ({ facts: [], finished: false, room: undefined }));
  let wake: (() => void) | undefined;
  let failure: { error: unknown } | undefined;
  let stopped = false;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const done = new Map<string, Promise<void>>();
  for (const [i, step] of steps.entries()) {
    const lane = lanes[i]!;
    const before = step.after.map((p) => done.get(p));
    const work = (async () => {
      await Promise.all(before);
      if (stopped) return;
      for await (const fact of step.facts()) {
        lane.facts.push(fact);
        notify();
        if (lane.facts.length >= BUFFERED) await new Promise<void>((r) => (lane.room = r));
        if (stopped) return;
      }
    })()
      .catch((error: unknown) => {
        failure ??= { error };
      })
      .finally(() => {
        lane.finished = true;
        notify();
      });
    done.set(step.phase, work);
  }
  const release = (lane: Lane) => {
    const r = lane.room;
    lane.room = undefined;
    r?.();
  };
  try {
    let current = 0;
    while (current < lanes.length) {
      if (failure) throw failure.error;
      const lane = lanes[current]!;
      if (lane.facts.length > 0) {
        const batch = lane.facts.splice(0);
        release(lane);
        yield* batch;
      } else if (lane.finished) current++;
      else
        await new Promise<void>((r) => {
          wake = r;
        });
    }
    if (failure) throw failure.error;
  } finally {
    stopped = true;
    for (const lane of lanes) release(lane);
    await Promise.all(done.values());
  }
}

/**
 * Reads ahead of its consumer, at most `pages` items, so a long paged read can start before the state that judges
 * it is ready. `stop` ends the reading (after the request in flight) and waits for it.
 */
export function readAhead<T>(source: AsyncIterable<T>, pages: number) {
  const buffer: T[] = [];
  let wake: (() => void) | undefined;
  let room: (() => void) | undefined;
  let end: { error?: unknown } | undefined;
  let stopped = false;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const reading = (async () => {
    try {
      for await (const item of source) {
        buffer.push(item);
        notify();
        while (buffer.length >= pages && !stopped) await new Promise<void>((r) => (room = r));
        if (stopped) return;
      }
      end = {};
    } catch (error) {
      end = { error };
    } finally {
      end ??= {};
      notify();
    }
  })();
  const free = () => {
    const r = room;
    room = undefined;
    r?.();
  };
  async function* items(): AsyncGenerator<T> {
    for (;;) {
      if (buffer.length > 0) {
        const item = buffer.shift() as T;
        free();
        yield item;
        continue;
      }
      if (end) {
        if ('error' in end) throw end.error;
        return;
      }
      await new Promise<void>((r) => {
        wake = r;
      });
    }
  }
  return {
    items,
    async stop() {
      stopped = true;
      free();
      await reading;
    },
  };
}
