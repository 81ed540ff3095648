import { createReadStream } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { type Fact, fact } from '@evident/core';
import { parseInput } from './boundary.ts';
import type { FactSource } from './fact-batches.ts';

/**
 * Kept in memory up to this many characters of JSON; past it, the rest goes to a temporary file. Small on purpose:
 * what stays resident while the facts are inserted raises the heap V8 lets the inserts' garbage grow to.
 */
const MEMORY_CHARS = 4 * 1024 * 1024;

/** Lines go to the file this many characters at a time (one write per fact is a system call and a promise each). */
const WRITE_CHARS = 64 * 1024;

/** A validated fact stream read to its end before any database work, so no connection waits on a provider. */
export interface Spool {
  facts: number;
  gaps: number;
  /** The facts' JSON, in order; read once: what is kept in memory is let go as it is read. */
  bodies(): AsyncIterable<string>;
  discard(): Promise<void>;
}

export async function spoolFacts(source: FactSource): Promise<Spool> {
  const memory: string[] = [];
  let chars = 0;
  let seq = 0;
  let gaps = 0;
  let dir: string | undefined;
  let file: Awaited<ReturnType<typeof open>> | undefined;
  let pending: string[] = [];
  let pendingChars = 0;
  const flush = async () => {
    await file!.write(`${pending.join('\n')}\n`);
    pending = [];
    pendingChars = 0;
  };
  try {
    for await (const input of source) {
      const parsed: Fact = parseInput(fact, input, `fact ${seq}`);
      const body = JSON.stringify(parsed);
      seq++;
      if (parsed.type === 'gap') gaps++;
      if (!file && chars + body.length <= MEMORY_CHARS) {
        memory.push(body);
        chars += body.length;
        continue;
      }
      if (!file) {
        dir = await mkdtemp(join(tmpdir(), 'evident-facts-'));
        file = await open(join(dir, 'facts.jsonl'), 'w', 0o600);
      }
      pending.push(body);
      pendingChars += body.length + 1;
      if (pendingChars >= WRITE_CHARS) await flush();
    }
    if (pending.length > 0) await flush();
    await file?.close();
  } catch (error) {
    await file?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const path = dir ? join(dir, 'facts.jsonl') : undefined;
  return {
    facts: seq - gaps,
    gaps,
    async *bodies() {
      // Let go as it is read, so the live heap shrinks while the rest is inserted (V8 sizes its next collection by it).
      for (let i = 0; i < memory.length; i++) {
        const body = memory[i]!;
        memory[i] = '';
        yield body;
      }
      memory.length = 0;
      if (!path) return;
      // JSON.stringify escapes newlines inside strings, so one line is one fact.
      for await (const line of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) yield line;
    },
    discard: async () => {
      if (dir) await rm(dir, { recursive: true, force: true });
    },
  };
}
