import { type ControlResult, type ControlStatus, controlStatus, idSchema } from '@evident/core';
import { z } from 'zod';

export const ALERT_EVENT_TYPES = ['control.regressed', 'control.recovered'] as const;
export const alertEventType = z.enum(ALERT_EVENT_TYPES);
export type AlertEventType = z.infer<typeof alertEventType>;

/**
 * How a verdict moved: a regression to `partial` or `fail` is the tenant's state getting worse; one to `unknown`
 * means the evidence is missing (a failed collection, a revoked permission, stale facts), named by `reason`.
 */
export const TRANSITIONS = ['pass_to_partial', 'pass_to_fail', 'pass_to_unknown', 'recovered_to_pass'] as const;
export const transition = z.enum(TRANSITIONS);
export type Transition = z.infer<typeof transition>;

export const alertEvent = z.strictObject({
  type: alertEventType,
  transition,
  tenantId: idSchema('ten'),
  controlId: z.string().min(1),
  runId: idSchema('run'),
  previousRunId: idSchema('run'),
  from: controlStatus,
  to: controlStatus,
  /** The verdict's own sentence: for `pass_to_unknown`, which evidence is missing and why. */
  reason: z.string(),
  /** When the new verdict was evaluated (ISO 8601). */
  at: z.iso.datetime({ offset: true }),
  /** `tenant:control:transition:run`: the same change of the same run is one event, however often it is derived. */
  dedupeKey: z.string().min(1),
});
export type AlertEvent = z.infer<typeof alertEvent>;

const REGRESSED_TO: Partial<Record<ControlStatus, Transition>> = {
  partial: 'pass_to_partial',
  fail: 'pass_to_fail',
  unknown: 'pass_to_unknown',
};

export const dedupeKeyOf = (e: Pick<AlertEvent, 'tenantId' | 'controlId' | 'transition' | 'runId'>): string =>
  `${e.tenantId}:${e.controlId}:${e.transition}:${e.runId}`;

export interface VerdictChange {
  tenantId: AlertEvent['tenantId'];
  runId: AlertEvent['runId'];
  previousRunId: AlertEvent['previousRunId'];
  /** The previous run's status per control. */
  before: ReadonlyMap<string, ControlStatus>;
  after: readonly Pick<ControlResult, 'controlId' | 'status' | 'reason' | 'evaluatedAt'>[];
}

/**
 * The alert events of one stored assessment against the tenant's previous one: `control.regressed` when a passing
 * control is now partial, failing or unknown; `control.recovered` when one of those passes again. A control new in
 * this run, or moving between non-passing statuses, raises nothing. Sorted by control.
 */
export function deriveEvents(change: VerdictChange): AlertEvent[] {
  const events: AlertEvent[] = [];
  for (const r of change.after) {
    const from = change.before.get(r.controlId);
    if (from === undefined || from === r.status) continue;
    const regressed = from === 'pass' ? REGRESSED_TO[r.status] : undefined;
    const recovered = r.status === 'pass' && REGRESSED_TO[from] !== undefined;
    if (!regressed && !recovered) continue;
    const t: Transition = regressed ?? 'recovered_to_pass';
    const base = { tenantId: change.tenantId, controlId: r.controlId, transition: t, runId: change.runId };
    events.push(
      alertEvent.parse({
        ...base,
        type: regressed ? 'control.regressed' : 'control.recovered',
        previousRunId: change.previousRunId,
        from,
        to: r.status,
        reason: r.reason,
        at: new Date(r.evaluatedAt).toISOString(),
        dedupeKey: dedupeKeyOf(base),
      }),
    );
  }
  return events.sort((a, b) => a.controlId.localeCompare(b.controlId));
}
