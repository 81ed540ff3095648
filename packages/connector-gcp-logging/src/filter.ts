/**
 * How much of a class of log entries a Logging query-language filter selects: every entry, none, only some (the
 * filter narrows on fields that vary from entry to entry, such as severity), or `unknown` when it cannot be read.
 */
export type Match = 'all' | 'none' | 'some' | 'unknown';

/** A class of entries that share one log name, e.g. a project's Admin Activity audit log. */
export interface EntryClass {
  /** URL-encoded, as Cloud Logging stores it: `projects/p/logs/cloudaudit.googleapis.com%2Factivity`. */
  logName: string;
}

type Node =
  | { k: 'and' | 'or'; items: Node[] }
  | { k: 'not'; item: Node }
  | { k: 'cmp'; field: string; op: string; values: string[]; any: boolean }
  | { k: 'fn'; name: string; args: string[] }
  | { k: 'text' };

type Token = { t: 'lp' | 'rp' | 'minus' } | { t: 'op' | 'word' | 'str'; v: string };

const OPS = ['!=', '=~', '!~', '<=', '>=', '=', ':', '<', '>'];
const WORD_END = /[\s()"=:!<>~]/;
const AUDIT_LOG_TYPE = 'type.googleapis.com/google.cloud.audit.AuditLog';

class FilterSyntaxError extends Error {}

function readString(src: string, start: number): [string, number] {
  let out = '';
  for (let i = start + 1; i < src.length; i++) {
    const c = src[i]!;
    if (c === '\\' && i + 1 < src.length) out += src[++i];
    else if (c === '"') return [out, i + 1];
    else out += c;
  }
  throw new FilterSyntaxError('unterminated string');
}

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) i++;
    else if (c === '(' || c === ')') {
      tokens.push({ t: c === '(' ? 'lp' : 'rp' });
      i++;
    } else if (c === '"') {
      const [v, next] = readString(src, i);
      tokens.push({ t: 'str', v });
      i = next;
    } else if (c === '-' && i + 1 < src.length && !/\s/.test(src[i + 1]!)) {
      tokens.push({ t: 'minus' });
      i++;
    } else {
      const op = OPS.find((o) => src.startsWith(o, i));
      if (op) {
        tokens.push({ t: 'op', v: op });
        i += op.length;
        continue;
      }
      let v = '';
      while (i < src.length && !WORD_END.test(src[i]!)) {
        v += src[i++];
        // A quoted segment of a field path: labels."k8s-pod/app", protoPayload."@type".
        if (v.endsWith('.') && src[i] === '"') {
          const [part, next] = readString(src, i);
          v += part;
          i = next;
        }
      }
      if (v === '') throw new FilterSyntaxError(`unexpected ${c}`);
      tokens.push({ t: 'word', v });
    }
  }
  return tokens;
}

/** Recursive descent; in the Logging query language NOT binds tightest, then OR, then AND (explicit or implied). */
class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): Node {
    const node = this.and();
    if (this.i < this.tokens.length) throw new FilterSyntaxError('unexpected trailing input');
    return node;
  }

  private peek(): Token | undefined {
    return this.tokens[this.i];
  }

  private isWord(v: string): boolean {
    const t = this.peek();
    return t?.t === 'word' && t.v === v;
  }

  private and(): Node {
    const items = [this.or()];
    for (;;) {
      const t = this.peek();
      if (!t || t.t === 'rp') break;
      if (this.isWord('AND')) this.i++;
      items.push(this.or());
    }
    return items.length === 1 ? items[0]! : { k: 'and', items };
  }

  private or(): Node {
    const items = [this.unary()];
    while (this.isWord('OR')) {
      this.i++;
      items.push(this.unary());
    }
    return items.length === 1 ? items[0]! : { k: 'or', items };
  }

  private unary(): Node {
    const t = this.peek();
    if (t?.t === 'minus' || this.isWord('NOT')) {
      this.i++;
      return { k: 'not', item: this.unary() };
    }
    return this.primary();
  }

  private expect(t: Token['t']): void {
    if (this.tokens[this.i++]?.t !== t) throw new FilterSyntaxError(`expected ${t}`);
  }

  private primary(): Node {
    const t = this.tokens[this.i++];
    if (!t) throw new FilterSyntaxError('unexpected end');
    if (t.t === 'lp') {
      const node = this.and();
      this.expect('rp');
      return node;
    }
    if (t.t === 'str') return { k: 'text' };
    if (t.t !== 'word') throw new FilterSyntaxError(`unexpected ${t.t}`);
    const next = this.peek();
    if (next?.t === 'op') {
      this.i++;
      return { k: 'cmp', field: t.v, op: next.v, ...this.values() };
    }
    if (next?.t === 'lp' && !t.v.includes('.')) {
      this.i++;
      const args: string[] = [];
      while (this.peek()?.t !== 'rp') {
        const arg = this.tokens[this.i++];
        if (!arg) throw new FilterSyntaxError('unterminated call');
        if (arg.t === 'str' || arg.t === 'word') args.push(arg.v);
      }
      this.i++;
      return { k: 'fn', name: t.v.toLowerCase(), args };
    }
    return { k: 'text' };
  }

  private value(): string {
    const negative = this.peek()?.t === 'minus';
    if (negative) this.i++;
    const t = this.tokens[this.i++];
    if (t?.t === 'str' || t?.t === 'word') return negative ? `-${t.v}` : t.v;
    throw new FilterSyntaxError('expected a value');
  }

  private values(): { values: string[]; any: boolean } {
    if (this.peek()?.t !== 'lp') return { values: [this.value()], any: true };
    this.i++;
    const values = [this.value()];
    let any = false;
    while (this.peek()?.t !== 'rp') {
      if (this.isWord('OR')) any = true;
      if (this.isWord('OR') || this.isWord('AND')) this.i++;
      values.push(this.value());
    }
    this.i++;
    return { values, any: any || values.length === 1 };
  }
}

const decode = (s: string) => s.replaceAll('%2F', '/').replaceAll('%2f', '/');

export function andMatch(a: Match, b: Match): Match {
  if (a === 'none' || b === 'none') return 'none';
  if (a === 'all') return b;
  if (b === 'all') return a;
  return a === 'some' || b === 'some' ? 'some' : 'unknown';
}

export function orMatch(a: Match, b: Match): Match {
  if (a === 'all' || b === 'all') return 'all';
  if (a === 'none') return b;
  if (b === 'none') return a;
  return a === 'unknown' || b === 'unknown' ? 'unknown' : 'some';
}

export function notMatch(a: Match): Match {
  return a === 'all' ? 'none' : a === 'none' ? 'all' : a;
}

const bool = (b: boolean): Match => (b ? 'all' : 'none');

function logNameTest(op: string, value: string, entry: EntryClass): Match {
  const name = decode(entry.logName);
  switch (op) {
    case '=':
      return bool(decode(value) === name);
    case ':':
      return bool(name.toLowerCase().includes(decode(value).toLowerCase()));
    case '=~':
      try {
        const re = new RegExp(value);
        return bool(re.test(entry.logName) || re.test(name));
      } catch {
        return 'unknown';
      }
    default:
      return 'unknown';
  }
}

function compare(node: Extract<Node, { k: 'cmp' }>, entry: EntryClass): Match {
  const negated = node.op === '!=' || node.op === '!~';
  const op = negated ? (node.op === '!=' ? '=' : '=~') : node.op;
  let test: (value: string) => Match;
  if (node.field === 'logName') test = (v) => logNameTest(op, v, entry);
  else if (node.field === 'protoPayload.@type' && (op === '=' || op === ':'))
    test = (v) => bool(op === '=' ? v === AUDIT_LOG_TYPE : AUDIT_LOG_TYPE.includes(v));
  else return 'some';
  const results = node.values.map(test);
  const combined = results.reduce(node.any ? orMatch : andMatch);
  return negated ? notMatch(combined) : combined;
}

function evaluate(node: Node, entry: EntryClass): Match {
  switch (node.k) {
    case 'and':
      return node.items.map((n) => evaluate(n, entry)).reduce(andMatch);
    case 'or':
      return node.items.map((n) => evaluate(n, entry)).reduce(orMatch);
    case 'not':
      return notMatch(evaluate(node.item, entry));
    case 'cmp':
      return compare(node, entry);
    case 'fn':
      if (node.name === 'log_id') return bool(node.args.some((a) => decode(entry.logName).endsWith(`/logs/${a}`)));
      return node.name === 'sample' ? 'some' : 'unknown';
    case 'text':
      return 'some';
  }
}

/** A compiled filter: tells, for a class of entries, how much of it the filter selects. An empty filter selects all. */
export function compileFilter(filter: string): (entry: EntryClass) => Match {
  if (filter.trim() === '') return () => 'all';
  let root: Node;
  try {
    root = new Parser(tokenize(filter)).parse();
  } catch (error) {
    if (error instanceof FilterSyntaxError) return () => 'unknown';
    throw error;
  }
  return (entry) => evaluate(root, entry);
}
