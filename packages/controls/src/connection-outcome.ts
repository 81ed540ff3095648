import type { ControlStatus, ExceptedSubject, FailingSubject } from '@evident/core';
import type { Outcome, ReducerContext } from './control.ts';
import { exceptedSubject, withExpiry } from './exceptions.ts';
import type { Grade } from './tally.ts';

/** A verdict about a whole connection (a tenant-wide policy or setting) rather than about subjects in it. */
export interface Finding {
  grade: Grade;
  reason: string;
  /** Specific subjects behind a non-compliant grade (excluded principals, report-only policies). */
  failing?: FailingSubject[];
  excepted?: ExceptedSubject[];
}

const STATUS: Record<Grade, ControlStatus> = {
  compliant: 'pass',
  limited: 'partial',
  weak: 'partial',
  failing: 'fail',
  unknown: 'unknown',
};

/**
 * Turns a connection-wide finding into an outcome with coverage 1/1 or 0/1. The connection itself is the subject an
 * exception can name (by its id or name) to accept the risk for the whole connection.
 */
export function connectionOutcome(ctx: ReducerContext<unknown>, label: string, finding: Finding): Outcome {
  const { connection } = ctx;
  const match = ctx.exceptions.match(connection, connection, label);
  const excepted = finding.excepted ?? [];
  if (match.active) {
    return {
      status: 'not_applicable',
      reason: `${label} on this connection is excepted until ${match.active.expiresAt.slice(0, 10)}: ${match.active.reason}`,
      numerator: 0,
      denominator: 0,
      failing: [],
      excepted: [exceptedSubject(connection, connection, label, match.active), ...excepted],
    };
  }
  const compliant = finding.grade === 'compliant';
  const failing =
    finding.failing && finding.failing.length > 0
      ? finding.failing
      : compliant
        ? []
        : [{ connection, subject: connection, name: label, why: withExpiry(finding.reason, match.expired) }];
  return {
    status: STATUS[finding.grade],
    reason: finding.reason,
    numerator: compliant ? 1 : 0,
    denominator: 1,
    failing,
    excepted,
  };
}
