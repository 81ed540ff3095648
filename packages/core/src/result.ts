import { z } from 'zod';
import { isoDateTime } from './tri.ts';

export const CONTROL_STATUSES = ['pass', 'partial', 'fail', 'not_applicable', 'unknown'] as const;
export const controlStatus = z.enum(CONTROL_STATUSES);
export type ControlStatus = z.infer<typeof controlStatus>;

export const failingSubject = z.object({
  connection: z.string(),
  subject: z.string(),
  name: z.string().optional(),
  why: z.string(),
});

export const exceptedSubject = z.object({
  connection: z.string(),
  subject: z.string(),
  name: z.string().optional(),
  reason: z.string(),
  approver: z.string(),
  expiresAt: isoDateTime,
  exceptionId: z.string().optional(),
});

/** A pointer to the evidence behind a verdict: which connection, which API call, as of when. */
export const evidenceRef = z.object({
  connection: z.string(),
  source: z.string(),
  observedAt: isoDateTime,
  facts: z.number().int().nonnegative(),
});

export const controlResult = z.object({
  controlId: z.string(),
  status: controlStatus,
  coverage: z.object({ numerator: z.number().int().nonnegative(), denominator: z.number().int().nonnegative() }),
  reason: z.string(),
  failing: z.array(failingSubject),
  excepted: z.array(exceptedSubject),
  evidence: z.array(evidenceRef),
  /** The oldest observation the verdict rests on; null when it rests on none. */
  factsAsOf: z.union([isoDateTime, z.null()]),
  evaluatedAt: isoDateTime,
});

export type FailingSubject = z.infer<typeof failingSubject>;
export type ExceptedSubject = z.infer<typeof exceptedSubject>;
export type EvidenceRef = z.infer<typeof evidenceRef>;
export type ControlResult = z.infer<typeof controlResult>;

/** Worst first: how statuses combine when several providers answer for one control. */
const SEVERITY: Record<ControlStatus, number> = { fail: 4, unknown: 3, partial: 2, pass: 1, not_applicable: 0 };

export function worstStatus(statuses: Iterable<ControlStatus>): ControlStatus {
  let worst: ControlStatus = 'not_applicable';
  for (const s of statuses) if (SEVERITY[s] > SEVERITY[worst]) worst = s;
  return worst;
}

/** Order for "better or worse" comparisons: higher is better. not_applicable sits with pass. */
export function statusRank(s: ControlStatus): number {
  return { fail: 0, unknown: 1, partial: 2, pass: 3, not_applicable: 3 }[s];
}
