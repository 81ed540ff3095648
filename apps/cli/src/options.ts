import { readFile } from 'node:fs/promises';
import { InvalidInputError, isoDateTime } from '@evident/core';
import type { z } from 'zod';
import { UsageError } from './io.ts';
import { describeIssues } from './issues.ts';

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

/** Reads a JSON file given on the command line and validates it with `schema`. */
export async function readJsonFile<S extends z.ZodType>(option: string, path: string, schema: S): Promise<z.infer<S>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new UsageError(`${option}: cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InvalidInputError(`${option} ${path}: not valid JSON (${(e as Error).message})`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new InvalidInputError(`${option} ${path}: ${describeIssues(parsed.error.issues)}`);
  return parsed.data;
}
