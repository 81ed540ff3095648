import type { ControlResult, ControlStatus, Exception, Fact } from '@evident/core';
import { expect } from 'vitest';
import { evaluate } from '../evaluate.ts';
import { NOW } from './builders.ts';

export interface Case {
  name: string;
  facts: Fact[];
  status: ControlStatus;
  exceptions?: Exception[];
  params?: Record<string, unknown>;
  coverage?: [number, number];
  /** Subjects expected in `failing`, in order. */
  failing?: string[];
  excepted?: string[];
  reason?: RegExp;
  /** Matched against the `why` of every failing subject. */
  why?: RegExp;
}

export async function evaluateOne(
  controlId: string,
  facts: Fact[],
  opts: { exceptions?: Exception[]; params?: Record<string, unknown>; now?: Date } = {},
): Promise<ControlResult> {
  const [result] = await evaluate(facts, {
    now: opts.now ?? NOW,
    controls: [controlId],
    ...(opts.exceptions ? { exceptions: opts.exceptions } : {}),
    ...(opts.params ? { params: { [controlId]: opts.params } } : {}),
  });
  return result!;
}

export async function check(controlId: string, c: Case): Promise<ControlResult> {
  const r = await evaluateOne(controlId, c.facts, c);
  expect(r.status, r.reason).toBe(c.status);
  if (c.coverage) expect([r.coverage.numerator, r.coverage.denominator]).toEqual(c.coverage);
  if (c.failing) expect(r.failing.map((f) => f.subject)).toEqual(c.failing);
  if (c.excepted) expect(r.excepted.map((e) => e.subject)).toEqual(c.excepted);
  if (c.reason) expect(r.reason).toMatch(c.reason);
  if (c.why) for (const f of r.failing) expect(f.why).toMatch(c.why);
  expect(r.reason).toMatch(/^[A-Z0-9].*\.$/);
  return r;
}
