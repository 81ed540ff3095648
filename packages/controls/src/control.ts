import type { ControlStatus, ExceptedSubject, Fact, FactType, FailingSubject } from '@evident/core';
import type { z } from 'zod';
import type { ExceptionIndex } from './exceptions.ts';
import type { Mapping } from './frameworks.ts';
import type { CommonParams } from './params.ts';

/** What one connection's facts say about a control, before missing and stale evidence are applied. */
export interface Outcome {
  status: ControlStatus;
  /** A clause without a final period; the evaluator turns the clauses of all connections into one sentence. */
  reason: string;
  numerator: number;
  denominator: number;
  failing: FailingSubject[];
  excepted: ExceptedSubject[];
}

export interface ReducerContext<P> {
  connection: string;
  now: Date;
  params: P;
  exceptions: ExceptionIndex;
}

/** One control's running state over one connection's facts: counters and the lists its result shows. */
export interface ConnectionReducer {
  /** Takes a fact of an accepted type; true when it bears on the verdict, so that it counts as evidence. */
  add(fact: Fact): boolean;
  finish(): Outcome;
}

export interface FactRule<P> {
  /** Fact types dispatched to the reducer (gaps are matched against `needs` by the evaluator). */
  accepts: readonly FactType[];
  reducer(ctx: ReducerContext<P>): ConnectionReducer;
}

/** A control no collected fact can evidence yet: always unknown, saying what evidence would be needed. */
export interface NoEvidenceRule {
  missing: string;
}

export interface Control<P extends CommonParams = CommonParams> {
  id: string;
  title: string;
  /** What must be true, in plain words, including how the rule reads the fact model. */
  requirement: string;
  rationale: string;
  remediation: string;
  /** Parameters with defaults; callers override them per control. */
  params: z.ZodObject<z.ZodRawShape>;
  /** The evidence the control rests on, in the gap vocabulary (`identity.privileged`, `logSource.sign_in`). */
  needs: readonly string[];
  mappings: readonly Mapping[];
  rule: FactRule<P> | NoEvidenceRule;
}

export function isFactRule<P extends CommonParams>(rule: Control<P>['rule']): rule is FactRule<P> {
  return 'accepts' in rule;
}

/** Erases a control's own parameter type so controls with different parameters sit in one catalog. */
export function defineControl<P extends CommonParams>(control: Control<P>): Control {
  return control as unknown as Control;
}
