import { type CollectionSession, ConnectorError } from '@evident/connector-kit';
import type { Fact, LogCategory, LogDestination, LogSourceFact } from '@evident/core';
import type { EntraConfig, EntraSecret } from '../config.ts';
import { classifyGraphError } from '../errors.ts';
import { getOne } from '../graph-pages.ts';
import type { Refusal } from './arm.ts';
import { CATEGORIES, DIAGNOSTICS, exportsOf } from './exports.ts';
import type { Run } from './state.ts';

type Session = CollectionSession<EntraConfig, EntraSecret>;

/** In-product retention by licence (Microsoft's data-retention reference): 7 days on Free, 30 with P1 or P2. */
export function nativeRetention(licence: Run['state']['licence']): number | 'unknown' {
  if (licence === 'unknown') return 'unknown';
  return licence === 'free' ? 7 : 30;
}

interface Probe {
  at: string | null | 'unknown';
  /** Why the log could not be read, when a grant would fix it. */
  refused?: ConnectorError;
}

async function newest(run: Run, session: Session, path: string, field: string, permission: string): Promise<Probe> {
  try {
    const page = await getOne<{ value?: Record<string, unknown>[] }, EntraConfig, EntraSecret>(
      session,
      run.graph,
      path,
      permission,
      { $top: '1' },
    );
    const at = page.value?.[0]?.[field];
    return { at: typeof at === 'string' ? at : null };
  } catch (error) {
    // Sign-ins need P1; the licence fact already says why they stay unknown on Free.
    if (error instanceof ConnectorError && error.code === 'licence_required') return { at: 'unknown' };
    if (error instanceof ConnectorError && error.code === 'permission_missing')
      return { at: 'unknown', refused: error };
    throw error;
  }
}

/**
 * The tenant's audit and sign-in logs: always kept in the product for the licence's days, plus wherever the
 * diagnostic settings export them. Without Resource Manager access the exports are unknown, and a gap says so.
 */
export async function* logs(run: Run, session: Session): AsyncGenerator<Fact> {
  // The three reads side by side; their failures are met in this order, as when they ran one after another.
  const [exported, auditRead, signInRead] = await Promise.allSettled([
    exportsOf(run, session),
    newest(run, session, '/auditLogs/directoryAudits', 'activityDateTime', 'AuditLog.Read.All'),
    newest(run, session, '/auditLogs/signIns', 'createdDateTime', 'AuditLog.Read.All and Directory.Read.All'),
  ]);
  let destinations = new Map<LogCategory, LogDestination[]>();
  let refusals: Refusal[] = [];
  let exportsGap: ConnectorError | undefined;
  if (exported.status === 'fulfilled') ({ destinations, refusals } = exported.value);
  else if (exported.reason instanceof ConnectorError && exported.reason.code === 'auth_failed') throw exported.reason;
  else exportsGap = classifyGraphError(exported.reason);
  if (auditRead.status === 'rejected') throw auditRead.reason;
  if (signInRead.status === 'rejected') throw signInRead.reason;
  const audit = auditRead.value;
  const signIn = signInRead.value;
  const scope = run.ctx.config.tenantId;
  for (const [entraName, category] of Object.entries(CATEGORIES)) {
    const fact: LogSourceFact = {
      type: 'logSource',
      ...run.stamp,
      source: `Entra ${entraName}: GET /auditLogs, GET ${DIAGNOSTICS}`,
      subject: `${scope}/${entraName}`,
      scope,
      category,
      important: true,
      enabled: true,
      nativeRetentionDays: nativeRetention(run.state.licence),
      locked: true,
      destinations: destinations.get(category) ?? [],
      exemptions: [],
      lastEventAt: category === 'admin_audit' ? audit.at : category === 'sign_in' ? signIn.at : 'unknown',
    };
    yield fact;
  }
  if (exportsGap) {
    yield session.gap(
      { source: `GET ${DIAGNOSTICS}`, covers: Object.values(CATEGORIES).map((c) => `logSource.${c}`) },
      exportsGap,
    );
  }
  for (const refused of refusals) {
    const covers = ['logSource.destinations.retentionDays', 'logSource.destinations.locked'];
    yield session.gap({ source: refused.source, covers }, refused.error);
  }
  for (const [probe, path] of [
    [audit, '/auditLogs/directoryAudits'],
    [signIn, '/auditLogs/signIns'],
  ] as const) {
    if (probe.refused) yield session.gap({ source: `GET ${path}`, covers: ['logSource.lastEventAt'] }, probe.refused);
  }
}
