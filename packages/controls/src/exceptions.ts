import { type ExceptedSubject, type Exception, exceptionIsActive } from '@evident/core';

export interface ExceptionMatch {
  /** The exception that excuses the subject now. */
  active?: Exception;
  /** An exception that would have, had it not expired: worth saying in the failing subject's `why`. */
  expired?: Exception;
}

const key = (s: string) => s.toLowerCase();
/** An exception's subject that stands for every subject of its control(s). */
const ALL = '*';

/** Later expiry first, then a stable order, so the same exceptions always pick the same match. */
function order(a: Exception, b: Exception): number {
  return (
    Date.parse(b.expiresAt) - Date.parse(a.expiresAt) ||
    (a.id ?? '').localeCompare(b.id ?? '') ||
    a.reason.localeCompare(b.reason)
  );
}

/**
 * The exceptions that apply to one control (its own id or `*`), looked up by subject id or name, case-insensitively
 * (principal names such as UPNs are), or `*` for every subject, and by connection when the exception names one.
 */
export class ExceptionIndex {
  private readonly bySubject = new Map<string, Exception[]>();

  constructor(
    exceptions: readonly Exception[],
    controlId: string,
    private readonly now: Date,
  ) {
    for (const e of exceptions) {
      if (e.controlId !== controlId && e.controlId !== '*') continue;
      const list = this.bySubject.get(key(e.subject)) ?? [];
      list.push(e);
      this.bySubject.set(key(e.subject), list);
    }
    for (const list of this.bySubject.values()) list.sort(order);
  }

  match(connection: string, subject: string, name?: string): ExceptionMatch {
    const candidates = [...(this.bySubject.get(key(subject)) ?? [])];
    if (name && key(name) !== key(subject)) candidates.push(...(this.bySubject.get(key(name)) ?? []));
    if (key(subject) !== ALL) candidates.push(...(this.bySubject.get(ALL) ?? []));
    candidates.sort(order);
    const applicable = candidates.filter((e) => e.connection === undefined || e.connection === connection);
    const active = applicable.find((e) => exceptionIsActive(e, this.now));
    const expired = applicable.find((e) => !exceptionIsActive(e, this.now));
    return { ...(active ? { active } : {}), ...(expired ? { expired } : {}) };
  }
}

export function exceptedSubject(
  connection: string,
  subject: string,
  name: string | undefined,
  e: Exception,
): ExceptedSubject {
  return {
    connection,
    subject,
    ...(name ? { name } : {}),
    reason: e.reason,
    approver: e.approver,
    expiresAt: e.expiresAt,
    ...(e.id ? { exceptionId: e.id } : {}),
  };
}

/** Adds "(exception … expired …)" to a failing subject's why, so an expired acceptance is visible. */
export function withExpiry(why: string, expired: Exception | undefined): string {
  if (!expired) return why;
  return `${why} (the exception approved by ${expired.approver} expired ${expired.expiresAt.slice(0, 10)})`;
}
