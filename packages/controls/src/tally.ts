import type { ControlStatus, ExceptedSubject, Fact, FailingSubject } from '@evident/core';
import type { FactRule, Outcome, ReducerContext } from './control.ts';
import { exceptedSubject, withExpiry } from './exceptions.ts';
import type { CommonParams } from './params.ts';
import { be, count, percent } from './words.ts';

/**
 * How one subject stands: `weak` falls short but is mitigated (e.g. MFA registered, not enforced); `limited` meets
 * the requirement by a means with blind spots (per-user MFA: trusted IPs, remembered devices), so it counts toward
 * `partial`, never `pass`; `unknown` means its key value was not collected.
 */
export type Grade = 'compliant' | 'limited' | 'weak' | 'failing' | 'unknown';

/**
 * How counts become a status when not every subject is compliant.
 * `band`: partial when the compliant share reaches the partial band. `strict`: partial when nothing is failing
 * (only weak). `some`: partial when anything is compliant or weak.
 */
export type Mode = 'band' | 'strict' | 'some';

export interface Counts {
  compliant: number;
  limited: number;
  weak: number;
  failing: number;
  unknown: number;
}

function statusOf(mode: Mode, c: Counts, partialBand: number): ControlStatus {
  const n = c.compliant + c.limited + c.weak + c.failing;
  if (c.compliant === n) return 'pass';
  if (mode === 'band') return (c.compliant + c.limited) / n >= partialBand ? 'partial' : 'fail';
  if (mode === 'strict') return c.failing === 0 ? 'partial' : 'fail';
  return c.compliant + c.limited + c.weak > 0 ? 'partial' : 'fail';
}

/**
 * The status the counts support. Unknown subjects are resolved both ways: when the answer is the same it stands;
 * otherwise few unknowns (within the limit) give partial — never pass — and more give unknown.
 */
function tallyStatus(mode: Mode, c: Counts, partialBand: number, unknownShareLimit: number): ControlStatus {
  const n = c.compliant + c.limited + c.weak + c.failing + c.unknown;
  if (n === 0) return 'not_applicable';
  const worst = statusOf(mode, { ...c, failing: c.failing + c.unknown, unknown: 0 }, partialBand);
  const best = statusOf(mode, { ...c, compliant: c.compliant + c.unknown, unknown: 0 }, partialBand);
  if (worst === best) return worst;
  return c.unknown / n > unknownShareLimit ? 'unknown' : 'partial';
}

export interface TallyWords {
  /** The subject noun, singular and plural: `human user`, `human users`. */
  one: string;
  many: string;
  /** What a compliant subject is: `forced through MFA`. */
  ok: string;
  /** What a limited subject is: `enforced only per user`. */
  limited?: string;
  /** What a weak subject is: `registered but not enforced`. */
  weak?: string;
  /** What a failing subject is; `not` when absent. */
  bad?: string;
  /** The reason when no subject is in scope. */
  none: string;
}

/** Counts the subjects of one control on one connection, applying exceptions, and keeps the ones that fall short. */
export class Tally {
  private readonly counts: Counts = { compliant: 0, limited: 0, weak: 0, failing: 0, unknown: 0 };
  private readonly failing: FailingSubject[] = [];
  private readonly excepted: ExceptedSubject[] = [];

  constructor(
    private readonly ctx: ReducerContext<CommonParams>,
    private readonly words: TallyWords,
  ) {}

  add(subject: string, name: string | undefined, grade: Grade, why = ''): void {
    const { connection, exceptions } = this.ctx;
    const match = exceptions.match(connection, subject, name);
    if (match.active) {
      this.excepted.push(exceptedSubject(connection, subject, name || undefined, match.active));
      return;
    }
    this.counts[grade]++;
    if (grade !== 'compliant') {
      this.failing.push({ connection, subject, ...(name ? { name } : {}), why: withExpiry(why, match.expired) });
    }
  }

  get size(): number {
    const c = this.counts;
    return c.compliant + c.limited + c.weak + c.failing + c.unknown;
  }

  outcome(mode: Mode, partialBand = 1): Outcome {
    const c = this.counts;
    const status = tallyStatus(mode, c, partialBand, this.ctx.params.unknownShareLimit);
    return {
      status,
      reason: this.reason(status, mode),
      numerator: c.compliant,
      denominator: this.size,
      failing: this.failing,
      excepted: this.excepted,
    };
  }

  private reason(status: ControlStatus, mode: Mode): string {
    const { counts: c, words: w } = this;
    const n = this.size;
    const x = this.excepted.length;
    if (n === 0) return x > 0 ? `all ${count(x, w.one, w.many)} in scope ${be(x)} excepted` : w.none;
    const parts: string[] = [];
    let main: string;
    if (status === 'unknown') {
      main = `${c.unknown} of ${count(n, w.one, w.many)} could not be determined, more than the ${percent(
        this.ctx.params.unknownShareLimit,
      )} allowed`;
      parts.push(`${c.compliant} ${be(c.compliant)} ${w.ok}`);
    } else {
      main =
        c.compliant === n
          ? `${n === 1 ? `the only ${w.one}` : n === 2 ? `both ${w.many}` : `all ${n} ${w.many}`} ${be(n)} ${w.ok}`
          : `${c.compliant} of ${count(n, w.one, w.many)} ${be(c.compliant === 0 ? n : c.compliant)} ${w.ok}`;
      if (mode === 'band' && c.compliant < n) main += ` (${percent(c.compliant / n)})`;
      if (c.unknown > 0) parts.push(`${c.unknown} could not be determined`);
    }
    if (c.limited > 0) parts.push(`${c.limited} ${be(c.limited)} ${w.limited ?? w.weak ?? 'not'}`);
    if (c.weak > 0) parts.push(`${c.weak} ${be(c.weak)} ${w.weak ?? 'not'}`);
    if (c.failing > 0) parts.push(`${c.failing} ${be(c.failing)} ${w.bad ?? 'not'}`);
    if (x > 0) parts.push(`${x} excepted`);
    return parts.length > 0 ? `${main}; ${parts.join(', ')}` : main;
  }
}

/** What one subject-counting control is, as data: its fact type, words, scope, grade and how counts become a status. */
export interface TallySpec<F extends Fact, P extends CommonParams> {
  type: F['type'];
  words: TallyWords | ((params: P) => TallyWords);
  /** Whether a fact of the type bears on the control at all (counts as evidence); every one when absent. */
  relevant?: (f: F) => boolean;
  /** The name a subject is shown by; the fact's `name` when absent. */
  name?: (f: F) => string | undefined;
  /** The subject's grade and why, or `undefined` when the fact is out of scope (still evidence). */
  grade: (f: F, params: P) => [Grade, string] | undefined;
  mode: Mode;
  /** The compliant share at which `band` turns partial. */
  band?: (params: P) => number;
}

/** The reducer most controls share, from their spec: each relevant fact in scope is graded and tallied. */
export function tallyRule<F extends Fact, P extends CommonParams>(spec: TallySpec<F, P>): FactRule<P> {
  return {
    accepts: [spec.type],
    reducer(ctx) {
      const words = typeof spec.words === 'function' ? spec.words(ctx.params) : spec.words;
      const tally = new Tally(ctx, words);
      return {
        add(fact) {
          if (fact.type !== spec.type) return false;
          const f = fact as F;
          if (spec.relevant && !spec.relevant(f)) return false;
          const graded = spec.grade(f, ctx.params);
          const name = spec.name ? spec.name(f) : (f as { name?: string }).name;
          if (graded) tally.add((f as { subject: string }).subject, name, ...graded);
          return true;
        },
        finish: () => tally.outcome(spec.mode, spec.band?.(ctx.params)),
      };
    },
  };
}
