/**
 * Hands chunks from a writer to a reader with at most `high` chunks in between: the writer's `write` waits for room,
 * so a fast producer cannot outrun a slow store. If the reader stops early, later writes fail instead of waiting.
 */
export function channel(high = 16) {
  const queue: Uint8Array[] = [];
  let closed = false;
  let failure: unknown = null;
  let abandoned = false;
  let wakeReader: (() => void) | null = null;
  let wakeWriter: (() => void) | null = null;
  const wake = (which: 'reader' | 'writer') => {
    const w = which === 'reader' ? wakeReader : wakeWriter;
    if (which === 'reader') wakeReader = null;
    else wakeWriter = null;
    w?.();
  };

  return {
    async write(chunk: Uint8Array): Promise<void> {
      if (abandoned) throw new Error('the store stopped reading the pack');
      queue.push(chunk);
      wake('reader');
      while (queue.length > high && !abandoned) await new Promise<void>((r) => (wakeWriter = r));
      if (abandoned) throw new Error('the store stopped reading the pack');
    },
    close(error?: unknown) {
      closed = true;
      if (error !== undefined) failure = error;
      wake('reader');
    },
    async *chunks(): AsyncGenerator<Uint8Array> {
      try {
        for (;;) {
          const next = queue.shift();
          if (next) {
            wake('writer');
            yield next;
          } else if (closed) {
            if (failure !== null) throw failure;
            return;
          } else await new Promise<void>((r) => (wakeReader = r));
        }
      } finally {
        abandoned = true;
        wake('writer');
      }
    },
  };
}
