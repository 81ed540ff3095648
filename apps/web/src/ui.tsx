import { type ReactNode, useState } from 'react';
import { num, problems } from './messages.tsx';
import { Link } from './router.tsx';

export type Status = 'pass' | 'partial' | 'fail' | 'not_applicable' | 'unknown';

export const STATUS_WORDS: Record<Status, string> = {
  pass: 'Pass',
  partial: 'Partial',
  fail: 'Fail',
  not_applicable: 'Not applicable',
  unknown: 'Unknown',
};

/** A verdict in words and colour, never colour alone. */
export function StatusBadge({ status }: { status: Status }) {
  return <span className={`status status-${status}`}>{STATUS_WORDS[status]}</span>;
}

export { num };
export const pct = (n: number) => `${Math.round(n)} %`;

export function Coverage({ numerator, denominator }: { numerator: number; denominator: number }) {
  if (denominator === 0) return <span className="muted">no subjects</span>;
  return (
    <span>
      {num(numerator)} of {num(denominator)}
    </span>
  );
}

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
const absolute = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const STEPS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 31_536_000],
  ['month', 2_592_000],
  ['day', 86_400],
  ['hour', 3_600],
  ['minute', 60],
];

export function relativeTime(iso: string, now = Date.now()) {
  const seconds = (Date.parse(iso) - now) / 1000;
  for (const [unit, size] of STEPS)
    if (Math.abs(seconds) >= size) return relative.format(Math.round(seconds / size), unit);
  return relative.format(Math.round(seconds), 'second');
}

/** A time in words ("3 hours ago"), the exact time on hover and for assistive technology. */
export function Time({ iso }: { iso: string | null }) {
  if (!iso) return <span className="muted">never</span>;
  return (
    <time dateTime={iso} title={absolute.format(new Date(iso))}>
      {relativeTime(iso)}
    </time>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="state" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> Loading {what}…
    </p>
  );
}

export function ErrorState({ error, retry }: { error: unknown; retry?: () => void }) {
  const message = problems(error)
    .map((p) => p.message)
    .join(' ');
  return (
    <div className="state state-error" role="alert">
      <p>
        <strong>Could not load this.</strong> {message}
      </p>
      {retry && (
        <button type="button" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}

/** A page whose subject does not exist (or is not this organization's): one heading, one way on. */
export function NotFound({ what, children }: { what: string; children?: ReactNode }) {
  return (
    <section>
      <h1 tabIndex={-1}>{what} not found</h1>
      <p>{children ?? 'Nothing lives at this address: it may be mistyped, or what it named was deleted.'}</p>
      <p>
        <Link to={{ name: 'portfolio' }}>Go to the portfolio</Link>
      </p>
    </section>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="state state-empty">{children}</div>;
}

/** A 30-day score line, drawn inline; its numbers are in the label. */
export function Sparkline({ points, label }: { points: { day: string; score: number }[]; label: string }) {
  if (points.length < 2) return <span className="muted">no trend yet</span>;
  const w = 90;
  const h = 24;
  const step = w / (points.length - 1);
  const d = points.map((p, i) => `${i ? 'L' : 'M'}${(i * step).toFixed(1)},${(h - (p.score / 100) * h).toFixed(1)}`);
  const first = points[0]?.score ?? 0;
  const last = points.at(-1)?.score ?? 0;
  return (
    <svg
      className="sparkline"
      width={w}
      height={h}
      viewBox={`0 0 ${w} ${h}`}
      role="img"
      aria-label={`${label}: ${pct(first)} to ${pct(last)} over ${points.length} days`}
    >
      <path d={d.join(' ')} fill="none" stroke="currentColor" strokeWidth="1.5" />
    </svg>
  );
}

/** Keyset pages: the first page has no cursor; each later one remembers the cursor that opened it, to go back. */
export function usePages<C>() {
  const [cursors, setCursors] = useState<C[]>([]);
  return {
    cursor: cursors.at(-1),
    number: cursors.length + 1,
    back: () => setCursors(cursors.slice(0, -1)),
    open: (next: C) => setCursors([...cursors, next]),
    reset: () => setCursors([]),
  };
}

/** Back and forward through keyset pages; `next` is the cursor of the following page, or null on the last. */
export function Pager<C>({
  label,
  pages,
  next,
  words,
}: {
  label: string;
  pages: ReturnType<typeof usePages<C>>;
  next: C | null | undefined;
  words: [back: string, forward: string];
}) {
  return (
    <nav aria-label={label} className="pager">
      <button type="button" onClick={pages.back} disabled={pages.number === 1}>
        {words[0]}
      </button>
      <span className="muted">Page {num(pages.number)}</span>
      <button type="button" onClick={() => next != null && pages.open(next)} disabled={next == null}>
        {words[1]}
      </button>
    </nav>
  );
}
