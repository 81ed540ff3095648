import type { Fact } from '@evident/core';
import { describe, expect, it } from 'vitest';
import { concurrently, readAhead, type Step } from './concurrent.ts';

const fact = (source: string): Fact =>
  ({
    type: 'gap',
    connection: 'c',
    provider: 'github',
    source,
    observedAt: '',
    code: 'x',
    covers: [],
    message: '',
  }) as never;

/** A gate a test opens by hand, so the order of events is the test's, not the clock's. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { open, opened };
}

async function* emit(events: string[], name: string, n: number, wait?: Promise<void>) {
  events.push(`${name} start`);
  if (wait) await wait;
  for (let i = 0; i < n; i++) yield fact(`${name}${i}`);
  events.push(`${name} end`);
}

async function all(facts: AsyncIterable<Fact>) {
  const out: string[] = [];
  for await (const f of facts) out.push(f.source);
  return out;
}

describe('concurrently', () => {
  it('starts independent steps at once and yields in the steps order whatever finishes first', async () => {
    const events: string[] = [];
    const slow = gate();
    const steps: Step[] = [
      { phase: 'a', after: [], facts: () => emit(events, 'a', 2, slow.opened) },
      {
        phase: 'b',
        after: [],
        facts: async function* () {
          yield* emit(events, 'b', 2);
          slow.open();
        },
      },
    ];
    expect(await all(concurrently(steps))).toEqual(['a0', 'a1', 'b0', 'b1']);
    // b ran to its end while a was still waiting: they overlapped.
    expect(events.indexOf('b end')).toBeLessThan(events.indexOf('a end'));
  });

  it('starts a step only after the steps it comes after', async () => {
    const events: string[] = [];
    const a = gate();
    const steps: Step[] = [
      { phase: 'a', after: [], facts: () => emit(events, 'a', 1, a.opened) },
      { phase: 'b', after: ['a'], facts: () => emit(events, 'b', 1) },
      { phase: 'c', after: [], facts: () => emit(events, 'c', 1) },
    ];
    const out = all(concurrently(steps));
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    expect(events).toEqual(['a start', 'c start', 'c end']);
    a.open();
    expect(await out).toEqual(['a0', 'b0', 'c0']);
    expect(events.slice(3)).toEqual(['a end', 'b start', 'b end']);
  });

  it('ends the whole run on a failure a step lets through, and starts nothing more', async () => {
    const events: string[] = [];
    const steps: Step[] = [
      {
        phase: 'a',
        after: [],
        facts: async function* () {
          yield fact('a0');
          throw new Error('aborted');
        },
      },
      { phase: 'b', after: ['a'], facts: () => emit(events, 'b', 1) },
    ];
    await expect(all(concurrently(steps))).rejects.toThrow('aborted');
    expect(events).toEqual([]);
  });

  it('holds a bounded number of facts per step while an earlier step is still running', async () => {
    const first = gate();
    let produced = 0;
    const steps: Step[] = [
      { phase: 'a', after: [], facts: () => emit([], 'a', 1, first.opened) },
      {
        phase: 'b',
        after: [],
        facts: async function* () {
          for (let i = 0; i < 10_000; i++) {
            produced++;
            yield fact('b');
          }
        },
      },
    ];
    const out = all(concurrently(steps));
    for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r));
    expect(produced).toBeLessThanOrEqual(257);
    first.open();
    expect(await out).toHaveLength(10_001);
  });
});

describe('readAhead', () => {
  it('reads at most the given number of items ahead of its consumer, and stop ends the reading', async () => {
    let read = 0;
    async function* source() {
      for (let i = 0; i < 100; i++) {
        read++;
        yield i;
      }
    }
    const ahead = readAhead(source(), 2);
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    expect(read).toBeLessThanOrEqual(3);
    const got: number[] = [];
    for await (const x of ahead.items()) {
      got.push(x);
      if (got.length === 5) break;
    }
    expect(got).toEqual([0, 1, 2, 3, 4]);
    await ahead.stop();
    expect(read).toBeLessThan(100);
  });

  it('passes the source failure to its consumer', async () => {
    async function* source() {
      yield 1;
      throw new Error('page 2 refused');
    }
    const ahead = readAhead(source(), 2);
    const got: number[] = [];
    await expect(
      (async () => {
        for await (const x of ahead.items()) got.push(x);
      })(),
    ).rejects.toThrow('page 2 refused');
    expect(got).toEqual([1]);
    await ahead.stop();
  });
});
