import type { LogCategory, LogDestination, LogSourceFact, SettingFact } from '@evident/core';
import type { Outcome } from './control.ts';

export const SIGN_IN_CATEGORIES: readonly LogCategory[] = ['sign_in', 'non_interactive_sign_in', 'workload_sign_in'];

/** The needs of controls over the "most important" logs: admin activity and every kind of sign-in. */
export const IMPORTANT_LOG_NEEDS = [
  'logSource.admin_audit',
  'logSource.sign_in',
  'logSource.non_interactive_sign_in',
  'logSource.workload_sign_in',
] as const;

const LABELS: Record<LogCategory, string> = {
  admin_audit: 'admin audit log',
  sign_in: 'sign-in log',
  non_interactive_sign_in: 'non-interactive sign-in log',
  workload_sign_in: 'workload sign-in log',
  data_access: 'data-access log',
  system_event: 'system event log',
  git: 'git event log',
};

/** What a person recognises a log by: "sign-in log of contoso.example". */
export function logName(f: LogSourceFact): string {
  return `${LABELS[f.category]} of ${f.scope}`;
}

/** The admin-activity and sign-in logs: below a retention floor they fail a control, other logs only weaken it. */
export function isCoreLog(f: LogSourceFact): boolean {
  return f.category === 'admin_audit' || SIGN_IN_CATEGORIES.includes(f.category);
}

export function destinationName(d: LogDestination): string {
  return `${d.kind} ${d.name}`;
}

/** Where a log is kept and for how long: "30 days natively, 400 days in log_bucket audit". */
export function retentionWords(f: LogSourceFact): string {
  const days = (v: number | 'unknown') => (v === 'unknown' ? 'an unknown number of days' : `${v} days`);
  const parts = [`${days(f.nativeRetentionDays)} natively`];
  for (const d of f.destinations)
    parts.push(`${d.retentionAtLeast ? 'at least ' : ''}${days(d.retentionDays)} in ${destinationName(d)}`);
  return parts.join(', ');
}

/** Says when the Entra licence explains a shortfall, instead of leaving the customer to find out. */
export function withLicenceNote(outcome: Outcome, licence: SettingFact | undefined): Outcome {
  if (licence?.value !== 'free' || outcome.status === 'pass' || outcome.status === 'not_applicable') return outcome;
  return {
    ...outcome,
    reason: `${outcome.reason}; the tenant has Entra ID Free, which keeps sign-in and audit logs 7 days and cannot export them (P1 or P2 is needed)`,
  };
}
