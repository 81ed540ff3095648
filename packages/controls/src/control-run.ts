import {
  type ControlResult,
  type Exception,
  type Fact,
  type GapFact,
  gapCovers,
  statusRank,
  worstStatus,
} from '@evident/core';
import { ConnectionRun, compareTimes } from './connection-run.ts';
import { type Control, type FactRule, isFactRule, type Outcome } from './control.ts';
import { ExceptionIndex } from './exceptions.ts';
import type { CommonParams } from './params.ts';
import { DAY_MS, sentence } from './words.ts';

interface Part {
  connection: string;
  outcome: Outcome;
  /** True when the reason already names the connection (missing or stale evidence). */
  named: boolean;
}

function byFailing(a: ControlResult['failing'][number], b: ControlResult['failing'][number]): number {
  return a.connection.localeCompare(b.connection) || a.subject.localeCompare(b.subject) || a.why.localeCompare(b.why);
}

function byExcepted(a: ControlResult['excepted'][number], b: ControlResult['excepted'][number]): number {
  return (
    a.connection.localeCompare(b.connection) || a.subject.localeCompare(b.subject) || a.reason.localeCompare(b.reason)
  );
}

/** One control over the whole fact stream: a reducer per connection, combined into one result at the end. */
export class ControlRun {
  private readonly connections = new Map<string, ConnectionRun>();
  private readonly exceptions: ExceptionIndex;

  constructor(
    readonly control: Control,
    private readonly params: CommonParams,
    private readonly now: Date,
    exceptions: readonly Exception[],
  ) {
    this.exceptions = new ExceptionIndex(exceptions, control.id, now);
  }

  gap(f: GapFact): void {
    const { rule, needs } = this.control;
    if (!isFactRule(rule)) return;
    // A rule that accepts gaps reads the ones its needs do not cover (evidence it can do without, but names).
    if (rule.accepts.includes('gap')) {
      const run = this.run(rule, f.connection);
      if (run.reducer.add(f)) run.use(f);
    }
    if (!f.covers.some((cover) => needs.some((need) => gapCovers(cover, need)))) return;
    this.run(rule, f.connection).gap(f);
  }

  add(f: Fact): void {
    const { rule } = this.control;
    if (!isFactRule(rule)) return;
    const run = this.run(rule, f.connection);
    if (run.reducer.add(f)) run.use(f);
  }

  finish(): ControlResult {
    const { control, now } = this;
    const base = { controlId: control.id, evaluatedAt: now.toISOString() };
    if (!isFactRule(control.rule)) {
      const empty = { coverage: { numerator: 0, denominator: 0 }, failing: [], excepted: [], evidence: [] };
      return { ...base, ...empty, status: 'unknown', reason: sentence(control.rule.missing), factsAsOf: null };
    }
    const runs = [...this.connections.values()]
      .filter((r) => r.used > 0 || r.gaps().length > 0)
      .sort((a, b) => a.connection.localeCompare(b.connection));
    const parts = runs.map((r) => this.judge(r));
    const oldest = runs.map((r) => r.oldest).filter((t): t is string => t !== null);
    return {
      ...base,
      status: worstStatus(parts.map((p) => p.outcome.status)),
      coverage: {
        numerator: parts.reduce((n, p) => n + p.outcome.numerator, 0),
        denominator: parts.reduce((n, p) => n + p.outcome.denominator, 0),
      },
      reason: this.reason(parts),
      failing: parts.flatMap((p) => p.outcome.failing).sort(byFailing),
      excepted: parts.flatMap((p) => p.outcome.excepted).sort(byExcepted),
      evidence: runs.flatMap((r) => r.evidence()),
      factsAsOf: oldest.sort(compareTimes)[0] ?? null,
    };
  }

  private run(rule: FactRule<CommonParams>, connection: string): ConnectionRun {
    let run = this.connections.get(connection);
    if (!run) {
      const { params, now, exceptions } = this;
      run = new ConnectionRun(connection, rule.reducer({ connection, now, params, exceptions }));
      this.connections.set(connection, run);
    }
    return run;
  }

  /** Applies §5.0: a gap covering a need, or evidence older than the freshness window, makes the connection unknown. */
  private judge(run: ConnectionRun): Part {
    const outcome = run.reducer.finish();
    const { connection } = run;
    const problems: string[] = [];
    const gaps = run.gaps();
    if (gaps.length > 0) {
      const listed = gaps.map((g) => `${g.code} on ${connection}: ${g.message} (remedy: ${g.remedy})`);
      problems.push(`evidence is missing — ${listed.join('; ')}`);
    }
    const age = run.oldest === null ? 0 : this.now.getTime() - Date.parse(run.oldest);
    const { freshnessDays } = this.params;
    if (age > freshnessDays * DAY_MS) {
      problems.push(
        `evidence from ${connection} is ${Math.floor(age / DAY_MS)} days old, older than the ${freshnessDays}-day freshness window`,
      );
    }
    if (problems.length === 0) return { connection, outcome, named: false };
    const seen = outcome.status === 'not_applicable' ? '' : `; what was collected says ${outcome.reason}`;
    return { connection, named: true, outcome: { ...outcome, status: 'unknown', reason: problems.join('; ') + seen } };
  }

  private reason(parts: Part[]): string {
    if (parts.length === 0) {
      const { rule } = this.control;
      const types = isFactRule(rule) ? rule.accepts.join(', ') : '';
      return sentence(`no collected fact bears on this control (it reads ${types} facts), so nothing is in scope`);
    }
    if (parts.length === 1) return sentence(parts[0]!.outcome.reason);
    const ordered = [...parts].sort(
      (a, b) => statusRank(a.outcome.status) - statusRank(b.outcome.status) || a.connection.localeCompare(b.connection),
    );
    return sentence(
      ordered.map((p) => (p.named ? p.outcome.reason : `on ${p.connection}, ${p.outcome.reason}`)).join('; '),
    );
  }
}
