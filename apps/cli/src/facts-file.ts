import { open } from 'node:fs/promises';
import { type Fact, fact, InvalidInputError } from '@evident/core';
import { UsageError } from './io.ts';
import { describeIssues } from './issues.ts';
import { JSON_LIMITS, parseJsonText } from './json-text.ts';

/** The lines of a UTF-8 file, refusing one longer than `maxBytes` before it is held in memory whole. */
async function* linesOf(chunks: AsyncIterable<Buffer>, maxBytes: number): AsyncGenerator<string> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let n = 0;
  const tooLong = () => new InvalidInputError(`line ${n + 1}: longer than ${maxBytes / 1024 / 1024} MiB`);
  for await (const chunk of chunks) {
    let start = 0;
    for (let nl = chunk.indexOf(10); nl >= 0; nl = chunk.indexOf(10, start)) {
      if (pendingBytes + nl - start > maxBytes) throw tooLong();
      const line = Buffer.concat([...pending, chunk.subarray(start, nl)]).toString('utf8');
      pending = [];
      pendingBytes = 0;
      n++;
      yield line.endsWith('\r') ? line.slice(0, -1) : line;
      start = nl + 1;
    }
    pending.push(chunk.subarray(start));
    pendingBytes += chunk.length - start;
    if (pendingBytes > maxBytes) throw tooLong();
  }
  if (pendingBytes > 0) yield Buffer.concat(pending).toString('utf8');
}

/**
 * Streams facts from a JSON Lines file, one validated fact per non-blank line. The first bad line stops the stream
 * with `line N: what was wrong` (never the line's text: it may hold a secret).
 */
export async function* readFacts(path: string): AsyncGenerator<Fact> {
  const handle = await open(path, 'r').catch((e: NodeJS.ErrnoException) => {
    throw new UsageError(`--facts: cannot read ${path} (${e.code ?? 'error'})`);
  });
  let n = 0;
  try {
    for await (const line of linesOf(handle.createReadStream(), JSON_LIMITS.maxLineBytes)) {
      n++;
      if (line.trim() === '') continue;
      const parsed = fact.safeParse(parseJsonText(line, `line ${n}`));
      if (!parsed.success) throw new InvalidInputError(`line ${n}: ${describeIssues(parsed.error.issues)}`);
      yield parsed.data;
    }
  } finally {
    await handle.close();
  }
}
