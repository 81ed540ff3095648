import { InvalidInputError } from '@evident/core';
import type { z } from 'zod';

/**
 * A procedure's input parser that refuses in words: the issues name the field and the problem, so a form shows
 * them as such (never a dump of the validator's output). Its type is the schema's output.
 */
export const clearInput =
  <S extends z.ZodType>(schema: S, what: string) =>
  (value: unknown): z.output<S> => {
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    throw new InvalidInputError(
      `${what} is not valid`,
      parsed.error.issues.map((i) => ({ path: i.path.join('.') || 'input', message: i.message })),
    );
  };
