import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { type Fact, fact, InvalidInputError } from '@evident/core';
import { UsageError } from './io.ts';
import { describeIssues } from './issues.ts';

/**
 * Streams facts from a JSON Lines file, one validated fact per non-blank line. The first bad line stops the stream
 * with `line N: what was wrong`.
 */
export async function* readFacts(path: string): AsyncGenerator<Fact> {
  const handle = await open(path, 'r').catch((e: NodeJS.ErrnoException) => {
    throw new UsageError(`--facts: cannot read ${path} (${e.code ?? 'error'})`);
  });
  const lines = createInterface({ input: handle.createReadStream({ encoding: 'utf8' }), crlfDelay: Infinity });
  let n = 0;
  try {
    for await (const line of lines) {
      n++;
      if (line.trim() === '') continue;
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch (e) {
        throw new InvalidInputError(`line ${n}: not valid JSON (${(e as Error).message})`);
      }
      const parsed = fact.safeParse(json);
      if (!parsed.success) throw new InvalidInputError(`line ${n}: ${describeIssues(parsed.error.issues)}`);
      yield parsed.data;
    }
  } finally {
    lines.close();
    await handle.close();
  }
}
