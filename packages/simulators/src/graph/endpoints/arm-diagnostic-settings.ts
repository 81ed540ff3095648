import type { Endpoint, RequestContext } from '../endpoint.ts';
import { armErrors, GraphHttpError } from '../errors.ts';
import { type DiagnosticDestination, diagnosticDestinations } from '../world/diagnostics.ts';

const CATEGORIES = [
  'AuditLogs',
  'SignInLogs',
  'NonInteractiveUserSignInLogs',
  'ServicePrincipalSignInLogs',
  'ManagedIdentitySignInLogs',
  'ProvisioningLogs',
  'ADFSSignInLogs',
  'RiskyUsers',
  'UserRiskEvents',
  'NetworkAccessTrafficLogs',
  'RiskyServicePrincipals',
  'ServicePrincipalRiskEvents',
  'EnrichedOffice365AuditLogs',
  'MicrosoftGraphActivityLogs',
  'RemoteNetworkHealthLogs',
];

export function destinations(ctx: RequestContext): DiagnosticDestination[] {
  return diagnosticDestinations(ctx.tenant.world, ctx.tenant.directory.seed);
}

function settingResource(d: DiagnosticDestination) {
  const s = d.setting;
  const categories = [...new Set([...CATEGORIES, ...s.categories])];
  return {
    id: `/providers/microsoft.aadiam/diagnosticSettings/${s.name}`,
    type: 'microsoft.aadiam/diagnosticSettings',
    name: s.name,
    properties: {
      storageAccountId: s.destination === 'storage' ? d.resourceId : null,
      serviceBusRuleId: null,
      workspaceId: s.destination === 'log_analytics' ? d.resourceId : null,
      eventHubAuthorizationRuleId: s.destination === 'event_hub' ? d.resourceId : null,
      eventHubName: d.eventHubName,
      metrics: [],
      logs: categories.map((category) => ({
        category,
        categoryGroup: null,
        enabled: s.categories.includes(category),
        retentionPolicy: { enabled: false, days: 0 },
      })),
    },
  };
}

const ACTION = 'microsoft.aadiam/diagnosticSettings/read';

/** `GET /providers/microsoft.aadiam/diagnosticSettings`: where the tenant exports its sign-in and audit logs. */
export const listDiagnosticSettings: Endpoint = {
  api: 'arm',
  path: '/providers/microsoft.aadiam/diagnosticSettings',
  family: 'none',
  armAction: ACTION,
  handle: (ctx) => ({ value: destinations(ctx).map(settingResource) }),
};

export const getDiagnosticSetting: Endpoint = {
  api: 'arm',
  path: '/providers/microsoft.aadiam/diagnosticSettings/{name}',
  family: 'none',
  armAction: ACTION,
  handle(ctx) {
    const name = ctx.params.name ?? '';
    const found = destinations(ctx).find((d) => d.setting.name.toLowerCase() === name.toLowerCase());
    if (!found) throw armErrors.notFound(`/providers/microsoft.aadiam/diagnosticSettings/${name}`);
    return settingResource(found);
  },
};

/**
 * `GET /subscriptions/{id}`: its `tenantId` tells whether a destination sits in the customer's own tenant or in
 * one its admins do not control.
 */
export const getSubscription: Endpoint = {
  api: 'arm',
  path: '/subscriptions/{subscriptionId}',
  family: 'none',
  armAction: 'Microsoft.Resources/subscriptions/read',
  handle(ctx) {
    const id = (ctx.params.subscriptionId ?? '').toLowerCase();
    const d = destinations(ctx).find((x) => x.subscriptionId === id);
    if (!d)
      throw new GraphHttpError(
        404,
        'SubscriptionNotFound',
        `The subscription '${ctx.params.subscriptionId}' could not be found.`,
      );
    const separate = d.setting.separateBoundary;
    return {
      id: `/subscriptions/${d.subscriptionId}`,
      authorizationSource: 'RoleBased',
      managedByTenants: [],
      subscriptionId: d.subscriptionId,
      tenantId: d.subscriptionTenantId,
      displayName: separate ? 'MSP central security logging' : `${ctx.tenant.world.domain} platform`,
      state: 'Enabled',
      subscriptionPolicies: {
        locationPlacementId: 'Public_2014-09-01',
        quotaId: 'EnterpriseAgreement_2014-09-01',
        spendingLimit: 'Off',
      },
    };
  },
};
