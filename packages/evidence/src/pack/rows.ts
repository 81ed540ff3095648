import { exceptionIsActive, type Fact } from '@evident/core';
import type { StoredException } from '@evident/db';
import { controlInfo, mappingLabel } from './catalog-info.ts';
import { csvLine } from './csv.ts';
import type { Assessment } from './input.ts';

type Identity = Extract<Fact, { type: 'identity' }>;
type LogSource = Extract<Fact, { type: 'logSource' }>;

export const CONTROLS_HEADER = csvLine([
  'run_id',
  'evaluated_at',
  'control_id',
  'title',
  'status',
  'covered',
  'in_scope',
  'failing',
  'excepted',
  'facts_as_of',
  'reason',
  'frameworks',
]);

export function* controlLines(assessments: readonly Assessment[]): Generator<string> {
  for (const { run, results, totals } of assessments)
    for (const r of results) {
      const info = controlInfo(r.controlId);
      yield csvLine([
        run.id,
        r.evaluatedAt,
        r.controlId,
        info.title,
        r.status,
        r.coverage.numerator,
        r.coverage.denominator,
        totals[r.controlId]?.failing ?? r.failing.length,
        totals[r.controlId]?.excepted ?? r.excepted.length,
        r.factsAsOf,
        r.reason,
        info.mappings.map(mappingLabel).join('; '),
      ]);
    }
}

export const IDENTITIES_HEADER = csvLine([
  'connection',
  'provider',
  'subject',
  'name',
  'kind',
  'enabled',
  'mfa_registered',
  'mfa_enforced',
  'enforcement_reason',
  'enforcement_detail',
  'privileged',
  'eligible',
  'excepted',
  'observed_at',
]);

/** Active exceptions by lower-cased subject: an identity is excepted when one names its id or its name. */
export function exceptionLookup(exceptions: readonly StoredException[], at: Date) {
  const bySubject = new Map<string, StoredException[]>();
  for (const e of exceptions) {
    if (!exceptionIsActive(e, at)) continue;
    const key = e.subject.toLowerCase();
    bySubject.set(key, [...(bySubject.get(key) ?? []), e]);
  }
  return (connection: string, subject: string, name: string): string[] => {
    const found = [...(bySubject.get(subject.toLowerCase()) ?? []), ...(bySubject.get(name.toLowerCase()) ?? [])];
    const controls = found
      .filter((e) => e.connection === undefined || e.connection === connection)
      .map((e) => e.controlId);
    return [...new Set(controls)].sort();
  };
}

/** `eligible`: an enabled account a person signs in with, so inside every MFA control's scope. */
export function identityLine(f: Identity, excepted: readonly string[]): string {
  return csvLine([
    f.connection,
    f.provider,
    f.subject,
    f.name,
    f.kind,
    f.enabled,
    f.mfaRegistered,
    f.mfaEnforced,
    f.enforcementReason,
    f.enforcementDetail,
    f.privileged,
    f.enabled && f.kind !== 'service',
    excepted.join('; '),
    f.observedAt,
  ]);
}

export const LOG_SOURCES_HEADER = csvLine([
  'connection',
  'provider',
  'subject',
  'scope',
  'category',
  'important',
  'enabled',
  'native_retention_days',
  'locked',
  'destinations',
  'last_event_at',
  'observed_at',
]);

export function logSourceLine(f: LogSource): string {
  const destinations = f.destinations.map((d) => `${d.kind}:${d.name} (${d.retentionDays} days, ${d.boundary})`);
  return csvLine([
    f.connection,
    f.provider,
    f.subject,
    f.scope,
    f.category,
    f.important,
    f.enabled,
    f.nativeRetentionDays,
    f.locked,
    destinations.join('; '),
    f.lastEventAt,
    f.observedAt,
  ]);
}

export const EXCEPTIONS_HEADER = csvLine([
  'id',
  'control_id',
  'subject',
  'connection',
  'reason',
  'approver',
  'expires_at',
  'created_at',
  'active',
]);

export function exceptionLine(e: StoredException, at: Date): string {
  return csvLine([
    e.id,
    e.controlId,
    e.subject,
    e.connection,
    e.reason,
    e.approver,
    e.expiresAt,
    e.createdAt,
    exceptionIsActive(e, at),
  ]);
}
