import { guid } from '../../rng.ts';
import type { Endpoint, RequestContext } from '../endpoint.ts';
import { armErrors } from '../errors.ts';
import type { DiagnosticDestination } from '../world/diagnostics.ts';
import { destinations } from './arm-diagnostic-settings.ts';

const TABLES: Record<string, string> = {
  AuditLogs: 'AuditLogs',
  SigninLogs: 'SignInLogs',
  AADNonInteractiveUserSignInLogs: 'NonInteractiveUserSignInLogs',
  AADServicePrincipalSignInLogs: 'ServicePrincipalSignInLogs',
  AADManagedIdentitySignInLogs: 'ManagedIdentitySignInLogs',
  AADProvisioningLogs: 'ProvisioningLogs',
  MicrosoftGraphActivityLogs: 'MicrosoftGraphActivityLogs',
};

const clamp = (n: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, n));

/** The destination a Resource Manager path names, or ARM's 404. */
export function find(
  ctx: RequestContext,
  kind: DiagnosticDestination['setting']['destination'],
  name: string | undefined,
) {
  const { subscriptionId = '', resourceGroup = '' } = ctx.params;
  const d = destinations(ctx).find(
    (x) =>
      x.setting.destination === kind &&
      x.subscriptionId === subscriptionId.toLowerCase() &&
      x.resourceGroup.toLowerCase() === resourceGroup.toLowerCase() &&
      x.resourceName.toLowerCase() === (name ?? '').toLowerCase(),
  );
  if (!d) throw armErrors.notFound(ctx.url.pathname);
  return d;
}

const WORKSPACE =
  '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.OperationalInsights/workspaces/{workspace}';

/** Log Analytics workspace: `retentionInDays` is the default interactive retention (30–730 days). */
export const getWorkspace: Endpoint = {
  api: 'arm',
  path: WORKSPACE,
  family: 'none',
  armAction: 'Microsoft.OperationalInsights/workspaces/read',
  handle(ctx) {
    const d = find(ctx, 'log_analytics', ctx.params.workspace);
    return {
      id: d.resourceId,
      name: d.resourceName,
      type: 'Microsoft.OperationalInsights/workspaces',
      location: 'westeurope',
      properties: {
        customerId: guid(ctx.tenant.directory.seed, 'workspace', d.resourceId),
        provisioningState: 'Succeeded',
        sku: { name: 'PerGB2018' },
        retentionInDays: clamp(d.setting.retentionDays, 30, 730),
        features: { enableLogAccessUsingOnlyResourcePermissions: true },
        publicNetworkAccessForIngestion: 'Enabled',
        publicNetworkAccessForQuery: 'Enabled',
      },
    };
  },
};

/**
 * One table of the workspace. The Entra tables carry the setting's retention, or the table's own where the world
 * sets one: analytics retention up to 730 days, the rest as long-term retention in `totalRetentionInDays` (up to
 * 4,383), which is what the table keeps whatever the workspace default says.
 */
export const getWorkspaceTable: Endpoint = {
  api: 'arm',
  path: `${WORKSPACE}/tables/{table}`,
  family: 'none',
  armAction: 'Microsoft.OperationalInsights/workspaces/tables/read',
  handle(ctx) {
    const d = find(ctx, 'log_analytics', ctx.params.workspace);
    const name = Object.keys(TABLES).find((t) => t.toLowerCase() === (ctx.params.table ?? '').toLowerCase());
    if (!name) throw armErrors.notFound(ctx.url.pathname);
    const own = d.setting.tableRetentionDays?.[name];
    const days = own ?? d.setting.retentionDays;
    const retention = clamp(days, 4, 730);
    const total = clamp(days, retention, 4383);
    return {
      id: `${d.resourceId}/tables/${name}`,
      name,
      type: 'Microsoft.OperationalInsights/workspaces/tables',
      properties: {
        retentionInDays: retention,
        totalRetentionInDays: total,
        archiveRetentionInDays: total - retention,
        retentionInDaysAsDefault: false,
        totalRetentionInDaysAsDefault: false,
        plan: 'Analytics',
        provisioningState: 'Succeeded',
        schema: { name, tableType: 'Microsoft', tableSubType: 'DataCollectionRuleBased' },
      },
    };
  },
};

/** An event hub keeps events at most 7 days; what the consumer downstream keeps is not visible from here. */
export const getEventHub: Endpoint = {
  api: 'arm',
  path: '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.EventHub/namespaces/{namespace}/eventhubs/{hub}',
  family: 'none',
  armAction: 'Microsoft.EventHub/namespaces/eventhubs/read',
  handle(ctx) {
    const d = find(ctx, 'event_hub', ctx.params.namespace);
    if ((ctx.params.hub ?? '').toLowerCase() !== d.eventHubName) throw armErrors.notFound(ctx.url.pathname);
    const days = clamp(d.setting.retentionDays, 1, 7);
    return {
      id: d.resourceId.replace(/\/authorizationrules\/.*$/, `/eventhubs/${d.eventHubName}`),
      name: d.eventHubName,
      type: 'Microsoft.EventHub/namespaces/eventhubs',
      location: 'westeurope',
      properties: {
        messageRetentionInDays: days,
        partitionCount: 4,
        status: 'Active',
        retentionDescription: { cleanupPolicy: 'Delete', retentionTimeInHours: days * 24 },
      },
    };
  },
};
