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

async function destinationsOf(
  run: Run,
  session: Session,
  setting: DiagnosticSetting,
  homes: Map<string, string | null>,
): Promise<LogDestination[]> {
  const p = setting.properties ?? {};
  const bounds = new Map<string, LogDestination['boundary']>();
  for (const id of [p.workspaceId, p.storageAccountId, p.eventHubAuthorizationRuleId]) {
    if (id) bounds.set(id, await boundaryOf(run, session, id, homes));
  }
  const boundary = (id: string) => bounds.get(id) ?? 'unknown';
  const out: LogDestination[] = [];
  if (p.workspaceId) {
    const workspace = await armGet<{ properties?: { retentionInDays?: number } }>(
      run,
      session,
      `${p.workspaceId}?api-version=2023-09-01`,
      'Reader on the Log Analytics workspace',
    );
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

/** Where each log category is exported, read from the diagnostic settings through Resource Manager. */
export async function exportsOf(run: Run, session: Session): Promise<Map<LogCategory, LogDestination[]>> {
  const destinations = new Map<LogCategory, LogDestination[]>();
  const settings = await armGet<{ value?: DiagnosticSetting[] }>(run, session, DIAGNOSTICS, DIAGNOSTICS_ROLE);
  const homes = new Map<string, string | null>();
  for (const setting of settings.value ?? []) {
    const dests = await destinationsOf(run, session, setting, homes);
    for (const log of setting.properties?.logs ?? []) {
      const category = log.category ? CATEGORIES[log.category] : undefined;
      if (!category || log.enabled === false) continue;
      destinations.set(category, [...(destinations.get(category) ?? []), ...dests]);
    }
  }
  return destinations;
}
