import { type CollectionSession, ConnectorError } from '@evident/connector-kit';
import type { LogCategory, LogDestination } from '@evident/core';
import type { EntraConfig, EntraSecret } from '../config.ts';
import { classifyGraphError } from '../errors.ts';
import { DIAGNOSTICS_ROLE } from '../permissions.ts';
import type { Run } from './state.ts';

type Session = CollectionSession<EntraConfig, EntraSecret>;

/** Entra's diagnostic-setting categories and what they carry. */
export const CATEGORIES: Record<string, LogCategory> = {
  AuditLogs: 'admin_audit',
  SignInLogs: 'sign_in',
  NonInteractiveUserSignInLogs: 'non_interactive_sign_in',
  ServicePrincipalSignInLogs: 'workload_sign_in',
};

interface DiagnosticSetting {
  name?: string;
  properties?: {
    workspaceId?: string | null;
    storageAccountId?: string | null;
    eventHubAuthorizationRuleId?: string | null;
    logs?: { category?: string; enabled?: boolean }[];
  };
}

export const DIAGNOSTICS = '/providers/microsoft.aadiam/diagnosticSettings?api-version=2017-04-01';

/** A Resource Manager read under the session's retry; `permission` names what a refusal means is missing. */
function armGet<T>(run: Run, session: Session, path: string, permission: string): Promise<T> {
  const { attempts, baseDelayMs, maxDelayMs } = run.graph.tuning;
  return session.call(
    async () => {
      try {
        return (await run.clients.arm(path)) as T;
      } catch (error) {
        throw classifyGraphError(error, permission);
      }
    },
    { attempts, baseDelayMs, maxDelayMs },
  );
}

function subscriptionOf(resourceId: string): string | undefined {
  return /\/subscriptions\/([^/]+)/i.exec(resourceId)?.[1];
}

/**
 * Whether a destination sits outside the tenant admins' reach: in a subscription the config declares separate, or
 * (without a declaration) in a subscription that belongs to another Entra tenant, such as the MSP's or a SOC's.
 */
async function boundaryOf(
  run: Run,
  session: Session,
  resourceId: string,
  homes: Map<string, string | null>,
): Promise<LogDestination['boundary']> {
  const sub = subscriptionOf(resourceId);
  if (!sub) return 'unknown';
  const declared = run.ctx.config.separateSubscriptions;
  if (declared) return declared.some((s) => s.toLowerCase() === sub.toLowerCase()) ? 'separate' : 'same_admin_domain';
  if (!homes.has(sub)) {
    try {
      const path = `/subscriptions/${sub}?api-version=2022-12-01`;
      const found = await armGet<{ tenantId?: string }>(run, session, path, 'Reader on the subscription');
      homes.set(sub, found.tenantId ?? null);
    } catch (error) {
      // Another tenant's subscription is often unreadable: where it belongs then stays unknown.
      if (error instanceof ConnectorError && error.code === 'auth_failed') throw error;
      homes.set(sub, null);
    }
  }
  const home = homes.get(sub)?.toLowerCase();
  if (!home) return 'unknown';
  const own = [run.ctx.config.tenantId, run.state.directoryId].filter(Boolean).map((t) => t!.toLowerCase());
  return own.includes(home) ? 'same_admin_domain' : 'separate';
}

/** The Log Analytics table each category lands in. */
export const TABLES: Record<string, string> = {
  AuditLogs: 'AuditLogs',
  SignInLogs: 'SigninLogs',
  NonInteractiveUserSignInLogs: 'AADNonInteractiveUserSignInLogs',
  ServicePrincipalSignInLogs: 'AADServicePrincipalSignInLogs',
};

const WORKSPACE_READER = 'Reader on the Log Analytics workspace';
const STORAGE_READER = 'Reader on the storage account';

/** How long a table keeps rows: its total retention (analytics plus long-term), which overrides the workspace's. */
async function tableRetention(
  run: Run,
  session: Session,
  workspaceId: string,
  category: string,
): Promise<number | 'unknown'> {
  const table = TABLES[category];
  if (!table) return 'unknown';
  const path = `${workspaceId}/tables/${table}?api-version=2022-10-01`;
  try {
    const found = await armGet<{ properties?: { totalRetentionInDays?: number; retentionInDays?: number } }>(
      run,
      session,
      path,
      WORKSPACE_READER,
    );
    const days = found.properties?.totalRetentionInDays ?? found.properties?.retentionInDays;
    return typeof days === 'number' ? days : 'unknown';
  } catch (error) {
    // A table or policy that is absent or not readable leaves the retention unknown; other failures are failures.
    if (error instanceof ConnectorError && ['not_supported', 'permission_missing'].includes(error.code))
      return 'unknown';
    throw error;
  }
}

interface LifecycleRule {
  enabled?: boolean;
  type?: string;
  definition?: {
    actions?: {
      baseBlob?: { delete?: { daysAfterModificationGreaterThan?: number; daysAfterCreationGreaterThan?: number } };
    };
    filters?: { prefixMatch?: string[] };
  };
}

/**
 * How long a storage account keeps a category's blobs (`insights-logs-<category>`): the shortest enabled delete
 * rule that matches them. With no such rule nothing expires them, but nothing protects them either: unknown.
 */
async function lifecycleRetention(
  run: Run,
  session: Session,
  accountId: string,
  category: string,
): Promise<number | 'unknown'> {
  const path = `${accountId}/managementPolicies/default?api-version=2023-05-01`;
  let rules: LifecycleRule[];
  try {
    const found = await armGet<{ properties?: { policy?: { rules?: LifecycleRule[] } } }>(
      run,
      session,
      path,
      STORAGE_READER,
    );
    rules = found.properties?.policy?.rules ?? [];
  } catch (error) {
    // A table or policy that is absent or not readable leaves the retention unknown; other failures are failures.
    if (error instanceof ConnectorError && ['not_supported', 'permission_missing'].includes(error.code))
      return 'unknown';
    throw error;
  }
  const container = `insights-logs-${category.toLowerCase()}`;
  const days = rules
    .filter((r) => r.enabled !== false && (r.type ?? 'Lifecycle') === 'Lifecycle')
    .filter((r) => {
      const prefixes = r.definition?.filters?.prefixMatch ?? [];
      return prefixes.length === 0 || prefixes.some((p) => container.startsWith(p.toLowerCase()));
    })
    .map((r) => {
      const del = r.definition?.actions?.baseBlob?.delete;
      return del?.daysAfterModificationGreaterThan ?? del?.daysAfterCreationGreaterThan;
    })
    .filter((d): d is number => typeof d === 'number');
  return days.length > 0 ? Math.min(...days) : 'unknown';
}

/** A setting's destinations for one category, with the retention each keeps that category for. */
async function destinationsOf(
  run: Run,
  session: Session,
  setting: DiagnosticSetting,
  category: string,
  homes: Map<string, string | null>,
): Promise<LogDestination[]> {
  const p = setting.properties ?? {};
  const out: LogDestination[] = [];
  if (p.workspaceId) {
    out.push({
      kind: 'log_analytics',
      name: p.workspaceId,
      boundary: await boundaryOf(run, session, p.workspaceId, homes),
      retentionDays: await tableRetention(run, session, p.workspaceId, category),
      locked: false,
    });
  }
  if (p.storageAccountId) {
    out.push({
      kind: 'storage',
      name: p.storageAccountId,
      boundary: await boundaryOf(run, session, p.storageAccountId, homes),
      retentionDays: await lifecycleRetention(run, session, p.storageAccountId, category),
      locked: 'unknown',
    });
  }
  if (p.eventHubAuthorizationRuleId) {
    const id = p.eventHubAuthorizationRuleId;
    const boundary = await boundaryOf(run, session, id, homes);
    out.push({ kind: 'event_hub', name: id, boundary, retentionDays: 'unknown', locked: 'unknown' });
  }
  return out;
}

/** Where each log category is exported, read from the diagnostic settings through Resource Manager. */
export async function exportsOf(run: Run, session: Session): Promise<Map<LogCategory, LogDestination[]>> {
  const destinations = new Map<LogCategory, LogDestination[]>();
  const settings = await armGet<{ value?: DiagnosticSetting[] }>(run, session, DIAGNOSTICS, DIAGNOSTICS_ROLE);
  const homes = new Map<string, string | null>();
  for (const setting of settings.value ?? []) {
    for (const log of setting.properties?.logs ?? []) {
      const category = log.category ? CATEGORIES[log.category] : undefined;
      if (!category || log.enabled === false) continue;
      const dests = await destinationsOf(run, session, setting, log.category!, homes);
      destinations.set(category, [...(destinations.get(category) ?? []), ...dests]);
    }
  }
  return destinations;
}
