import { type ControlResult, type ControlStatus, controlStatus, idSchema } from '@evident/core';
import { z } from 'zod';

export const CONTROL_EVENT_TYPES = ['control.regressed', 'control.recovered'] as const;
/**
 * Events that are not a verdict's change: a connection that needs someone (authentication refused, a credential
 * or relationship about to expire), a broken audit chain, a scheduled export's last failed attempt, an exception
 * about to expire.
 */
export const NOTICE_TYPES = [
  'connection.attention',
  'audit.chain_broken',
  'export.failed',
  'exception.expiring',
] as const;
export const ALERT_EVENT_TYPES = [...CONTROL_EVENT_TYPES, ...NOTICE_TYPES] as const;
export const alertEventType = z.enum(ALERT_EVENT_TYPES);
export type AlertEventType = z.infer<typeof alertEventType>;
export const noticeType = z.enum(NOTICE_TYPES);
export type NoticeType = z.infer<typeof noticeType>;

/**
 * How a verdict moved: a regression to `partial` or `fail` is the tenant's state getting worse; one to `unknown`
 * means the evidence is missing (a failed collection, a revoked permission, stale facts), named by `reason`.
 */
export const TRANSITIONS = ['pass_to_partial', 'pass_to_fail', 'pass_to_unknown', 'recovered_to_pass'] as const;
export const transition = z.enum(TRANSITIONS);
export type Transition = z.infer<typeof transition>;

export const controlEvent = z.strictObject({
  type: z.enum(CONTROL_EVENT_TYPES),
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
export type ControlEvent = z.infer<typeof controlEvent>;

export const NOTICE_SUBJECTS = ['connection', 'audit_log', 'export', 'exception'] as const;

export const noticeEvent = z.strictObject({
  type: noticeType,
  /** Null for the organization's own state (its audit log): only rules without a tenant hear of it. */
  tenantId: idSchema('ten').nullable(),
  /** What the event is about, by id and public name. */
  subject: z.strictObject({ kind: z.enum(NOTICE_SUBJECTS), id: z.string().min(1), name: z.string() }),
  /** A short code of why: `auth_failed`, `secret_expiring`, `relationship_expiring`, `chain_broken`, ... */
  cause: z.string().min(1),
  /** The control an exception belongs to; null otherwise (a rule filtering on controls does not match it). */
  controlId: z.string().min(1).nullable(),
  /** The run whose collection raised it, when one did. */
  runId: idSchema('run').nullable(),
  /** What happened, in words a reader can act on; never a credential. */
  reason: z.string(),
  /** When what is expiring expires (ISO 8601), for the expiry events. */
  expiresAt: z.iso.datetime({ offset: true }).nullable(),
  at: z.iso.datetime({ offset: true }),
  /** Stable per occurrence: the same failure, break or expiry is one event, however often it is seen. */
  dedupeKey: z.string().min(1),
});
export type NoticeEvent = z.infer<typeof noticeEvent>;

export const alertEvent = z.discriminatedUnion('type', [controlEvent, noticeEvent]);
export type AlertEvent = z.infer<typeof alertEvent>;

export const isControlEvent = (e: AlertEvent): e is ControlEvent =>
  (CONTROL_EVENT_TYPES as readonly string[]).includes(e.type);

const REGRESSED_TO: Partial<Record<ControlStatus, Transition>> = {
  partial: 'pass_to_partial',
  fail: 'pass_to_fail',
  unknown: 'pass_to_unknown',
};

export const dedupeKeyOf = (e: Pick<ControlEvent, 'tenantId' | 'controlId' | 'transition' | 'runId'>): string =>
  `${e.tenantId}:${e.controlId}:${e.transition}:${e.runId}`;

export interface VerdictChange {
  tenantId: ControlEvent['tenantId'];
  runId: ControlEvent['runId'];
  previousRunId: ControlEvent['previousRunId'];
  /** The previous run's status per control. */
  before: ReadonlyMap<string, ControlStatus>;
  after: readonly Pick<ControlResult, 'controlId' | 'status' | 'reason' | 'evaluatedAt'>[];
}

/**
 * The alert events of one stored assessment against the tenant's previous one: `control.regressed` when a passing
 * control is now partial, failing or unknown; `control.recovered` when one of those passes again. A control new in
 * this run, or moving between non-passing statuses, raises nothing. Sorted by control.
 */
export function deriveEvents(change: VerdictChange): ControlEvent[] {
  const events: ControlEvent[] = [];
  for (const r of change.after) {
    const from = change.before.get(r.controlId);
    if (from === undefined || from === r.status) continue;
    const regressed = from === 'pass' ? REGRESSED_TO[r.status] : undefined;
    const recovered = r.status === 'pass' && REGRESSED_TO[from] !== undefined;
    if (!regressed && !recovered) continue;
    const t: Transition = regressed ?? 'recovered_to_pass';
    const base = { tenantId: change.tenantId, controlId: r.controlId, transition: t, runId: change.runId };
    events.push(
      controlEvent.parse({
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

/** A notice with its key: `type:subject kind:subject id:occurrence`, so a second sighting of one occurrence is a no-op. */
export function noticeOf(input: Omit<NoticeEvent, 'dedupeKey'> & { occurrence: string }): NoticeEvent {
  const { occurrence, ...rest } = input;
  return noticeEvent.parse({
    ...rest,
    dedupeKey: `${rest.type}:${rest.subject.kind}:${rest.subject.id}:${occurrence}`,
  });
}

/** What one PSA ticket follows: a control of the tenant, or a notice's subject (one connection, one exception). */
export const ticketKeyOf = (e: AlertEvent): string =>
  isControlEvent(e) ? e.controlId : `${e.subject.kind}:${e.subject.id}`;
