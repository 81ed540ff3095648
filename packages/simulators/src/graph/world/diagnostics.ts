import { guid } from '../../rng.ts';
import type { EntraWorld } from '../../scenario/schema.ts';

type Setting = EntraWorld['diagnosticSettings'][number];

/** Where one Entra diagnostic setting sends its logs, as Azure Resource Manager ids. */
export interface DiagnosticDestination {
  setting: Setting;
  subscriptionId: string;
  /** The Entra tenant owning that subscription: the MSP's own tenant when the setting sits outside the customer's. */
  subscriptionTenantId: string;
  resourceGroup: string;
  /** Workspace, storage account or Event Hubs namespace name. */
  resourceName: string;
  /** The id the diagnostic setting carries (`workspaceId`, `storageAccountId`, `eventHubAuthorizationRuleId`). */
  resourceId: string;
  /** The event hub inside the namespace, for the `event_hub` destination. */
  eventHubName: string | null;
}

/** The tenant id of the MSP that owns the central logging subscriptions of every separate-boundary destination. */
export function managingTenantId(seed: number): string {
  return guid(seed, 'managing-tenant');
}

export function diagnosticDestinations(world: EntraWorld, seed: number): DiagnosticDestination[] {
  return world.diagnosticSettings.map((setting) => {
    const slug = setting.name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
    const subscriptionId = setting.separateBoundary
      ? guid(seed, 'managing-tenant', 'subscription', world.tenantId, setting.name)
      : guid(seed, world.tenantId, 'subscription', setting.name);
    const resourceGroup = setting.separateBoundary ? 'rg-msp-security-logs' : 'rg-identity-logs';
    const base = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers`;
    let resourceName: string;
    let resourceId: string;
    if (setting.destination === 'log_analytics') {
      resourceName = `law-${slug}`;
      resourceId = `${base}/Microsoft.OperationalInsights/workspaces/${resourceName}`;
    } else if (setting.destination === 'storage') {
      resourceName = `st${slug.replaceAll('-', '')}`.slice(0, 24);
      resourceId = `${base}/Microsoft.Storage/storageAccounts/${resourceName}`;
    } else {
      resourceName = `evhns-${slug}`;
      resourceId = `${base}/Microsoft.EventHub/namespaces/${resourceName}/authorizationrules/RootManageSharedAccessKey`;
    }
    return {
      setting,
      subscriptionId,
      subscriptionTenantId: setting.separateBoundary ? managingTenantId(seed) : world.tenantId,
      resourceGroup,
      resourceName,
      resourceId,
      eventHubName: setting.destination === 'event_hub' ? 'insights-logs-entra' : null,
    };
  });
}
