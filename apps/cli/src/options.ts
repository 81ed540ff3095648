import { open } from 'node:fs/promises';
import { InvalidInputError, isoDateTime } from '@evident/core';
import type { z } from 'zod';
import { UsageError } from './io.ts';
import { describeIssues } from './issues.ts';
import { JSON_LIMITS, parseJsonText } from './json-text.ts';

/** The renderer for a `--format` value, or a usage error naming the formats there are. */
export function pickFormat<F>(formats: Record<string, F>, name: string): F {
  const render = Object.hasOwn(formats, name) ? formats[name] : undefined;
  if (render === undefined) throw new UsageError(`unknown format ${name}; use ${Object.keys(formats).join(' or ')}`);
  return render;
}

export function parseNow(value: string | undefined): Date {
  if (value === undefined) return new Date();
  if (!isoDateTime.safeParse(value).success) {
    throw new UsageError(`--now must be an ISO date-time with an offset, such as 2026-11-02T00:00:00Z (got ${value})`);
  }
  return new Date(value);
}

/** Reads a JSON file given on the command line (at most `JSON_LIMITS.maxFileBytes`) and validates it with `schema`. */
export async function readJsonFile<S extends z.ZodType>(option: string, path: string, schema: S): Promise<z.infer<S>> {
  const cannot = (e: unknown) =>
    new UsageError(`${option}: cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  const handle = await open(path, 'r').catch((e: unknown) => {
    throw cannot(e);
  });
  let text: string;
  try {
    // Read one byte past the cap rather than trust the size: a pipe or a growing file has none.
    const buffer = Buffer.alloc(JSON_LIMITS.maxFileBytes + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length).catch((e: unknown) => {
        throw cannot(e);
      });
      length += bytesRead;
      if (bytesRead === 0 || length === buffer.length) break;
    }
    if (length > JSON_LIMITS.maxFileBytes)
      throw new InvalidInputError(`${option} ${path}: larger than ${JSON_LIMITS.maxFileBytes / 1024 / 1024} MiB`);
    text = buffer.toString('utf8', 0, length);
  } finally {
    await handle.close();
  }
  const json = parseJsonText(text, `${option} ${path}`);
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new InvalidInputError(`${option} ${path}: ${describeIssues(parsed.error.issues)}`);
  return parsed.data;
}
