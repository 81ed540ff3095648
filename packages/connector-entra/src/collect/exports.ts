import { ConnectorError } from '@evident/connector-kit';
import type { LogCategory, LogDestination } from '@evident/core';
import { DIAGNOSTICS_ROLE, WORKSPACE_READER } from '../permissions.ts';
import { armGet, armRead, type Refusal, type Session } from './arm.ts';
import type { Run } from './state.ts';
import { StorageReads } from './storage.ts';

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

/** How long a table keeps rows: its total retention (analytics plus long-term), which overrides the workspace's. */
async function tableRetention(reads: Reads, workspaceId: string, category: string): Promise<number | 'unknown'> {
  const table = TABLES[category];
  if (!table) return 'unknown';
  type Table = { properties?: { totalRetentionInDays?: number; retentionInDays?: number } };
  const path = `${workspaceId}/tables/${table}?api-version=2022-10-01`;
  const found = await armRead<Table, null>(reads.run, reads.session, path, WORKSPACE_READER, reads.refusals, null);
  const days =
    found === 'unknown' ? undefined : (found?.properties?.totalRetentionInDays ?? found?.properties?.retentionInDays);
  return typeof days === 'number' ? days : 'unknown';
}

interface Reads {
  run: Run;
  session: Session;
  homes: Map<string, string | null>;
  storage: StorageReads;
  refusals: Refusal[];
}

/** A setting's destinations for one category, with the retention each keeps that category for. */
async function destinationsOf(reads: Reads, setting: DiagnosticSetting, category: string): Promise<LogDestination[]> {
  const { run, session, homes } = reads;
  const p = setting.properties ?? {};
  const out: LogDestination[] = [];
  if (p.workspaceId) {
    out.push({
      kind: 'log_analytics',
      name: p.workspaceId,
      boundary: await boundaryOf(run, session, p.workspaceId, homes),
      retentionDays: await tableRetention(reads, p.workspaceId, category),
      locked: false,
    });
  }
  if (p.storageAccountId) {
    out.push({
      kind: 'storage',
      name: p.storageAccountId,
      boundary: await boundaryOf(run, session, p.storageAccountId, homes),
      ...(await reads.storage.keep(p.storageAccountId, category)),
    });
  }
  if (p.eventHubAuthorizationRuleId) {
    const id = p.eventHubAuthorizationRuleId;
    const boundary = await boundaryOf(run, session, id, homes);
    out.push({ kind: 'event_hub', name: id, boundary, retentionDays: 'unknown', locked: 'unknown' });
  }
  return out;
}

export interface Exports {
  destinations: Map<LogCategory, LogDestination[]>;
  /** Destination reads refused: what they leave unknown, and the grant that would tell. */
  refusals: Refusal[];
}

/** Where each log category is exported, read from the diagnostic settings through Resource Manager. */
export async function exportsOf(run: Run, session: Session): Promise<Exports> {
  const destinations = new Map<LogCategory, LogDestination[]>();
  const settings = await armGet<{ value?: DiagnosticSetting[] }>(run, session, DIAGNOSTICS, DIAGNOSTICS_ROLE);
  const storage = new StorageReads(run, session);
  const reads: Reads = { run, session, homes: new Map(), storage, refusals: [] };
  for (const setting of settings.value ?? []) {
    for (const log of setting.properties?.logs ?? []) {
      const category = log.category ? CATEGORIES[log.category] : undefined;
      if (!category || log.enabled === false) continue;
      const dests = await destinationsOf(reads, setting, log.category!);
      destinations.set(category, [...(destinations.get(category) ?? []), ...dests]);
    }
  }
  const refusals = [...reads.refusals, ...storage.refusals];
  // One gap per refused resource, however many of its parts and categories it leaves unknown.
  const resource = (r: Refusal) =>
    /^GET \/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/[^/]+\/[^/]+\/[^/]+/i.exec(r.source)?.[0] ??
    r.source;
  const seen = new Set<string>();
  return { destinations, refusals: refusals.filter((r) => !seen.has(resource(r)) && seen.add(resource(r))) };
}
