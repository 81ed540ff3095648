import type { AuditEvent, AuditLogView } from './audit-events.ts';

export type Include = 'web' | 'git' | 'all';

export interface AuditQuery {
  phrase?: string | undefined;
  include: Include;
  order: 'asc' | 'desc';
  perPage: number;
  after?: string | undefined;
  before?: string | undefined;
}

export interface AuditPage {
  events: AuditEvent[];
  /** Cursors for the Link header: `after` of the last event when more follow, `before` of the first when some precede. */
  next: string | undefined;
  prev: string | undefined;
}

export class AuditQueryError extends Error {}

type Predicate = (e: AuditEvent) => boolean;

function dateBound(text: string): number {
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
  if (Number.isNaN(ms)) throw new AuditQueryError(`Invalid date in phrase: ${text}`);
  return ms;
}

function createdPredicate(value: string): Predicate {
  const range = /^(.+)\.\.(.+)$/.exec(value);
  if (range) {
    const [from, to] = [dateBound(range[1]!), dateBound(range[2]!) + 86_400_000];
    return (e) => e.created_at >= from && e.created_at < to;
  }
  const m = /^(>=|<=|>|<)?(.+)$/.exec(value)!;
  const at = dateBound(m[2]!);
  const day = at + 86_400_000;
  switch (m[1]) {
    case '>=':
      return (e) => e.created_at >= at;
    case '>':
      return (e) => e.created_at >= day;
    case '<=':
      return (e) => e.created_at < day;
    case '<':
      return (e) => e.created_at < at;
    default:
      return (e) => e.created_at >= at && e.created_at < day;
  }
}

const QUALIFIERS: Record<string, (value: string) => Predicate> = {
  action: (v) => (v.includes('.') ? (e) => e.action === v : (e) => e.action.startsWith(`${v}.`)),
  actor: (v) => (e) => e.actor === v,
  user: (v) => (e) => e.user === v,
  repo: (v) => (e) => e.repo === v,
  operation: (v) => (e) => e.operation_type === v,
  country: (v) => (e) => e.actor_location.country_code.toLowerCase() === v.toLowerCase(),
  created: createdPredicate,
};

/** The subset of GitHub's audit-log search syntax the simulator understands: `qualifier:value`, `-` negates. */
export function parsePhrase(phrase: string): Predicate {
  const predicates = phrase
    .split(/\s+/)
    .filter(Boolean)
    .map((term): Predicate => {
      const negated = term.startsWith('-');
      const m = /^([a-z_]+):(.+)$/.exec(negated ? term.slice(1) : term);
      const build = m ? QUALIFIERS[m[1]!] : undefined;
      if (!m || !build) throw new AuditQueryError(`Unsupported search term: ${term}`);
      const p = build(m[2]!.replace(/^"(.*)"$/, '$1'));
      return negated ? (e) => !p(e) : p;
    });
  return (e) => predicates.every((p) => p(e));
}

const encodeCursor = (e: AuditEvent, index: number) => Buffer.from(`${e['@timestamp']}|${index}`).toString('base64url');

function decodeCursor(log: AuditLogView, cursor: string): number {
  const [ts, index] = Buffer.from(cursor, 'base64url').toString().split('|').map(Number);
  if (index === undefined || !Number.isInteger(index) || index < 0 || index >= log.total) {
    throw new AuditQueryError('Invalid cursor');
  }
  if (log.event(index)['@timestamp'] !== ts) throw new AuditQueryError('Invalid cursor');
  return index;
}

/** One page of the audit log, found by scanning from the cursor: cost follows the distance scanned, not the log size. */
export function auditPage(log: AuditLogView, query: AuditQuery): AuditPage {
  const limit = query.phrase ? log.total : log.recent;
  const matches = query.phrase ? parsePhrase(query.phrase) : () => true;
  const kindOk = (i: number) => query.include === 'all' || (query.include === 'git') === log.isGit(i);
  // Positions run in the requested order; index 0 is the newest event.
  const indexAt = (p: number) => (query.order === 'desc' ? p : limit - 1 - p);
  const positionOf = (index: number) => (query.order === 'desc' ? index : limit - 1 - index);
  const hit = (p: number) => kindOk(indexAt(p)) && matches(log.event(indexAt(p)));
  const scan = (from: number, step: 1 | -1, want: number) => {
    const found: number[] = [];
    for (let p = from; p >= 0 && p < limit && found.length < want; p += step) if (hit(p)) found.push(p);
    return found;
  };

  let positions: number[];
  if (query.before !== undefined) positions = scan(positionOf(decodeCursor(log, query.before)) - 1, -1, query.perPage);
  else {
    const start = query.after === undefined ? 0 : positionOf(decodeCursor(log, query.after)) + 1;
    positions = scan(start, 1, query.perPage);
  }
  positions.sort((a, b) => a - b);
  const first = positions[0];
  const last = positions[positions.length - 1];
  const cursorAt = (p: number) => encodeCursor(log.event(indexAt(p)), indexAt(p));
  return {
    events: positions.map((p) => log.event(indexAt(p))),
    next: last !== undefined && scan(last + 1, 1, 1).length > 0 ? cursorAt(last) : undefined,
    prev: first !== undefined && scan(first - 1, -1, 1).length > 0 ? cursorAt(first) : undefined,
  };
}
