import { type CollectionSession, ConnectorError } from '@evident/connector-kit';
import type { Fact, LogCategory, LogDestination, LogSourceFact } from '@evident/core';
import type { EntraConfig, EntraSecret } from '../config.ts';
import { classifyGraphError } from '../errors.ts';
import { getOne } from '../graph-pages.ts';
import type { Run } from './state.ts';

type Session = CollectionSession<EntraConfig, EntraSecret>;

/** Entra's diagnostic-setting categories and what they carry. */
const CATEGORIES: Record<string, LogCategory> = {
  AuditLogs: 'admin_audit',
  SignInLogs: 'sign_in',
  NonInteractiveUserSignInLogs: 'non_interactive_sign_in',
  ServicePrincipalSignInLogs: 'workload_sign_in',
};

/** In-product retention by licence (Microsoft's data-retention reference): 7 days on Free, 30 with P1 or P2. */
export function nativeRetention(licence: Run['state']['licence']): number | 'unknown' {
  if (licence === 'unknown') return 'unknown';
  return licence === 'free' ? 7 : 30;
}

interface DiagnosticSetting {
  name?: string;
  properties?: {
    workspaceId?: string | null;
    storageAccountId?: string | null;
    eventHubAuthorizationRuleId?: string | null;
    logs?: { category?: string; enabled?: boolean }[];
  };
}

const DIAGNOSTICS = '/providers/microsoft.aadiam/diagnosticSettings?api-version=2017-04-01';

function subscriptionOf(resourceId: string): string | undefined {
  return /\/subscriptions\/([^/]+)/i.exec(resourceId)?.[1];
}

/**
 * Whether a destination sits outside the tenant admins' reach: in a subscription the config declares separate, or
 * (without a declaration) in a subscription that belongs to another Entra tenant, such as the MSP's or a SOC's.
 */
async function boundaryOf(
  run: Run,
  resourceId: string,
  homes: Map<string, string | null>,
): Promise<LogDestination['boundary']> {
  const sub = subscriptionOf(resourceId);
  if (!sub) return 'unknown';
  const declared = run.ctx.config.separateSubscriptions;
  if (declared) return declared.some((s) => s.toLowerCase() === sub.toLowerCase()) ? 'separate' : 'same_admin_domain';
  if (!homes.has(sub)) {
    try {
      const found = (await run.clients.arm(`/subscriptions/${sub}?api-version=2022-12-01`)) as { tenantId?: string };
      homes.set(sub, found.tenantId ?? null);
    } catch {
      homes.set(sub, null);
    }
  }
  const home = homes.get(sub)?.toLowerCase();
  if (!home) return 'unknown';
  const own = [run.ctx.config.tenantId, run.state.directoryId].filter(Boolean).map((t) => t!.toLowerCase());
  return own.includes(home) ? 'same_admin_domain' : 'separate';
}

async function destinationsOf(
  run: Run,
  setting: DiagnosticSetting,
  homes: Map<string, string | null>,
): Promise<LogDestination[]> {
  const p = setting.properties ?? {};
  const bounds = new Map<string, LogDestination['boundary']>();
  for (const id of [p.workspaceId, p.storageAccountId, p.eventHubAuthorizationRuleId]) {
    if (id) bounds.set(id, await boundaryOf(run, id, homes));
  }
  const boundary = (id: string) => bounds.get(id) ?? 'unknown';
  const out: LogDestination[] = [];
  if (p.workspaceId) {
    const workspace = (await run.clients.arm(`${p.workspaceId}?api-version=2023-09-01`)) as {
      properties?: { retentionInDays?: number };
    };
    const days = workspace.properties?.retentionInDays;
    out.push({
      kind: 'log_analytics',
      name: p.workspaceId,
      boundary: boundary(p.workspaceId),
      retentionDays: typeof days === 'number' ? days : 'unknown',
      locked: false,
    });
  }
  if (p.storageAccountId) {
    out.push({
      kind: 'storage',
      name: p.storageAccountId,
      boundary: boundary(p.storageAccountId),
      retentionDays: 'unknown',
      locked: 'unknown',
    });
  }
  if (p.eventHubAuthorizationRuleId) {
    const id = p.eventHubAuthorizationRuleId;
    out.push({ kind: 'event_hub', name: id, boundary: boundary(id), retentionDays: 'unknown', locked: 'unknown' });
  }
  return out;
}

async function newest(run: Run, session: Session, path: string, field: string): Promise<string | null | 'unknown'> {
  try {
    const page = await getOne<{ value?: Record<string, unknown>[] }, EntraConfig, EntraSecret>(
      session,
      run.graph,
      path,
      'AuditLog.Read.All',
      {
        $top: '1',
      },
    );
    const at = page.value?.[0]?.[field];
    return typeof at === 'string' ? at : null;
  } catch (error) {
    if (error instanceof ConnectorError && (error.code === 'licence_required' || error.code === 'permission_missing'))
      return 'unknown';
    throw error;
  }
}

/**
 * The tenant's audit and sign-in logs: always kept in the product for the licence's days, plus wherever the
 * diagnostic settings export them. Without Resource Manager access the exports are unknown, and a gap says so.
 */
export async function* logs(run: Run, session: Session): AsyncGenerator<Fact> {
  const destinations = new Map<LogCategory, LogDestination[]>();
  let exportsGap: ConnectorError | undefined;
  try {
    const settings = (await session.call(async () => {
      try {
        return await run.clients.arm(DIAGNOSTICS);
      } catch (error) {
        throw classifyGraphError(error, 'Reader on the diagnostic settings (microsoft.aadiam)');
      }
    })) as { value?: DiagnosticSetting[] };
    const homes = new Map<string, string | null>();
    for (const setting of settings.value ?? []) {
      const dests = await destinationsOf(run, setting, homes);
      for (const log of setting.properties?.logs ?? []) {
        const category = log.category ? CATEGORIES[log.category] : undefined;
        if (!category || log.enabled === false) continue;
        destinations.set(category, [...(destinations.get(category) ?? []), ...dests]);
      }
    }
  } catch (error) {
    exportsGap = classifyGraphError(error);
  }

  const lastAudit = await newest(run, session, '/auditLogs/directoryAudits', 'activityDateTime');
  const lastSignIn = await newest(run, session, '/auditLogs/signIns', 'createdDateTime');
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
      lastEventAt: category === 'admin_audit' ? lastAudit : category === 'sign_in' ? lastSignIn : 'unknown',
    };
    yield fact;
  }
  if (exportsGap) {
    yield session.gap(
      { source: `GET ${DIAGNOSTICS}`, covers: Object.values(CATEGORIES).map((c) => `logSource.${c}`) },
      exportsGap,
    );
  }
}
