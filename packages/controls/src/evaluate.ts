import {
  ConflictError,
  type ControlResult,
  type Exception,
  type Fact,
  type FactType,
  InvalidInputError,
  type Issue,
} from '@evident/core';
import { CATALOG } from './catalog/index.ts';
import { type Control, isFactRule } from './control.ts';
import { ControlRun } from './control-run.ts';
import type { CommonParams } from './params.ts';

export interface EvaluateOptions {
  /** The moment of the evaluation: evidence freshness and exception expiry are measured from it. */
  now: Date;
  /** Parameter overrides per control id; anything not given keeps the control's default. */
  params?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  exceptions?: readonly Exception[];
  /** Evaluate only these control ids (default: the whole catalog). */
  controls?: readonly string[];
}

/** A push-style evaluation: several sources can stream their facts into one single pass. */
export interface Evaluation {
  add(fact: Fact): void;
  finish(): ControlResult[];
}

/** Every control's schema includes the common parameters, so its parsed output carries them. */
function resolveParams(control: Control, overrides: Readonly<Record<string, unknown>> | undefined): CommonParams {
  const parsed = control.params.safeParse(overrides ?? {});
  if (parsed.success) return parsed.data as CommonParams;
  const issues: Issue[] = parsed.error.issues.map((i) => ({
    path: [control.id, ...i.path.map(String)].join('.'),
    message: i.message,
  }));
  throw new InvalidInputError(`invalid parameters for ${control.id}`, issues);
}

function select(catalog: readonly Control[], ids: readonly string[] | undefined): Control[] {
  if (ids === undefined) return [...catalog];
  const unknown = ids.filter((id) => !catalog.some((c) => c.id === id));
  if (unknown.length > 0) {
    throw new InvalidInputError(
      `unknown control ${unknown.join(', ')}`,
      unknown.map((id) => ({ path: 'controls', message: `no control has the id ${id}` })),
    );
  }
  return catalog.filter((c) => ids.includes(c.id));
}

function checkOptions(opts: EvaluateOptions, catalog: readonly Control[]): void {
  if (Number.isNaN(opts.now.getTime())) throw new InvalidInputError('now is not a valid date');
  const stray = Object.keys(opts.params ?? {}).filter((id) => !catalog.some((c) => c.id === id));
  if (stray.length > 0) {
    throw new InvalidInputError(
      `parameters given for unknown control ${stray.join(', ')}`,
      stray.map((id) => ({ path: `params.${id}`, message: `no control has the id ${id}` })),
    );
  }
}

export function startEvaluation(opts: EvaluateOptions, catalog: readonly Control[] = CATALOG): Evaluation {
  checkOptions(opts, catalog);
  const exceptions = opts.exceptions ?? [];
  const runs = select(catalog, opts.controls).map(
    (c) => new ControlRun(c, resolveParams(c, opts.params?.[c.id]), opts.now, exceptions),
  );
  const byType = new Map<FactType, ControlRun[]>();
  for (const run of runs) {
    const { rule } = run.control;
    for (const type of isFactRule(rule) ? rule.accepts : []) byType.set(type, [...(byType.get(type) ?? []), run]);
  }
  let finished = false;
  return {
    add(fact) {
      if (finished) throw new ConflictError('facts were added after the evaluation finished');
      if (fact.type === 'gap') for (const run of runs) run.gap(fact);
      else for (const run of byType.get(fact.type) ?? []) run.add(fact);
    },
    finish() {
      finished = true;
      return runs.map((r) => r.finish());
    },
  };
}

/** Evaluates the catalog in one pass over the facts, in whatever order they come. */
export async function evaluate(
  facts: Iterable<Fact> | AsyncIterable<Fact>,
  opts: EvaluateOptions,
  catalog: readonly Control[] = CATALOG,
): Promise<ControlResult[]> {
  const run = startEvaluation(opts, catalog);
  for await (const fact of facts) run.add(fact);
  return run.finish();
}
