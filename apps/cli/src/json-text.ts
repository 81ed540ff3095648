import { InvalidInputError } from '@evident/core';

/** Limits on JSON read from files, so a hostile or broken input fails with a clear message, not a hung process. */
export const JSON_LIMITS = {
  /** A config, exceptions or params file. */
  maxFileBytes: 1024 * 1024,
  /** One line of a facts file. */
  maxLineBytes: 1024 * 1024,
  maxDepth: 64,
} as const;

class Syntax extends Error {
  constructor(
    readonly at: number,
    message: string,
  ) {
    super(message);
  }
}

const WS = new Set([' ', '\t', '\n', '\r']);
const LITERALS = ['true', 'false', 'null'];
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPE = /\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})/y;

/**
 * Checks `text` against the JSON grammar and the nesting limit without building anything; throws `Syntax` at the
 * first offence. Iterative, so deep nesting cannot overflow the stack before the limit is reported.
 */
function scan(text: string, maxDepth: number): void {
  let i = 0;
  const stack: ('{' | '[')[] = [];
  const skip = () => {
    while (i < text.length && WS.has(text[i]!)) i++;
  };
  const value = () => {
    skip();
    const c = text[i];
    if (c === undefined) throw new Syntax(i, 'unexpected end of input');
    if (c === '"') return string();
    if (c === '{' || c === '[') {
      if (stack.length >= maxDepth) throw new Syntax(i, `nested deeper than ${maxDepth} levels`);
      stack.push(c);
      i++;
      return 'open';
    }
    NUMBER.lastIndex = i;
    if (NUMBER.test(text)) {
      i = NUMBER.lastIndex;
      return 'scalar';
    }
    const literal = LITERALS.find((l) => text.startsWith(l, i));
    if (!literal) throw new Syntax(i, 'unexpected character where a value was expected');
    i += literal.length;
    return 'scalar';
  };
  const string = () => {
    const start = i++;
    for (;;) {
      const c = text[i];
      if (c === undefined) throw new Syntax(start, 'unterminated string');
      if (c === '"') {
        i++;
        return 'scalar';
      }
      if (c < ' ') throw new Syntax(i, 'control character inside a string');
      if (c === '\\') {
        ESCAPE.lastIndex = i;
        if (!ESCAPE.test(text)) throw new Syntax(i, 'invalid escape inside a string');
        i = ESCAPE.lastIndex;
      } else i++;
    }
  };
  const key = () => {
    skip();
    if (text[i] !== '"') throw new Syntax(i, 'expected a double-quoted property name');
    string();
    skip();
    if (text[i] !== ':') throw new Syntax(i, "expected ':' after a property name");
    i++;
  };
  // `fresh`: the container on top was just opened, so it may close at once but takes no comma yet.
  let fresh = value() === 'open';
  for (;;) {
    skip();
    const top = stack.at(-1);
    if (top === undefined) break;
    const close = top === '{' ? '}' : ']';
    if (text[i] === close) {
      stack.pop();
      i++;
      fresh = false;
      continue;
    }
    if (!fresh) {
      if (text[i] !== ',') throw new Syntax(i, `expected ',' or '${close}'`);
      i++;
    }
    if (top === '{') key();
    fresh = value() === 'open';
  }
  skip();
  if (i < text.length) throw new Syntax(i, 'unexpected text after the end of the JSON value');
}

function lineAndColumn(text: string, at: number): string {
  const before = text.slice(0, at);
  const column = `column ${at - before.lastIndexOf('\n')}`;
  return text.includes('\n') ? `line ${before.split('\n').length}, ${column}` : column;
}

/** Whether `value` nests objects and arrays deeper than `max`; stops at the first path that does. */
function deeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  for (let top = stack.pop(); top; top = stack.pop()) {
    const [v, depth] = top;
    if (v === null || typeof v !== 'object') continue;
    if (depth + 1 > max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, depth + 1]);
  }
  return false;
}

/**
 * Parses JSON from an untrusted file. A syntax error names its line and column and what was expected, never the
 * offending text (it may be a secret); nesting past `maxDepth` is refused.
 */
export function parseJsonText(text: string, what: string, maxDepth: number = JSON_LIMITS.maxDepth): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // Only a failed parse pays for the scan that says where (or for nesting too deep for the parser's stack).
    try {
      scan(text, maxDepth);
    } catch (e) {
      if (!(e instanceof Syntax)) throw e;
      throw new InvalidInputError(`${what}: not valid JSON at ${lineAndColumn(text, e.at)}: ${e.message}`);
    }
    throw new InvalidInputError(`${what}: not valid JSON`);
  }
  if (deeperThan(value, maxDepth)) throw new InvalidInputError(`${what}: nested deeper than ${maxDepth} levels`);
  return value;
}
