import type { LifecycleRule } from '../../scenario/entra-storage.ts';
import type { Endpoint, RequestContext } from '../endpoint.ts';
import { GraphHttpError } from '../errors.ts';
import type { DiagnosticDestination } from '../world/diagnostics.ts';
import { find } from './arm-destinations.ts';

const STORAGE =
  '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Storage/storageAccounts/{account}';
const CONTAINER = `${STORAGE}/blobServices/default/containers/{container}`;

/** The rule a storage destination has when the world names none: the audit and sign-in containers expire. */
function defaultRules(d: DiagnosticDestination): LifecycleRule[] {
  return [
    {
      enabled: true,
      name: 'expire-entra-logs',
      type: 'Lifecycle',
      definition: {
        actions: { baseBlob: { delete: { daysAfterModificationGreaterThan: d.setting.retentionDays } } },
        filters: { blobTypes: ['appendBlob'], prefixMatch: ['insights-logs-auditlogs', 'insights-logs-signinlogs'] },
      },
    },
  ];
}

/** A storage account's lifecycle policy; an account without one answers 404, as Azure does. */
export const getStorageManagementPolicy: Endpoint = {
  api: 'arm',
  path: `${STORAGE}/managementPolicies/default`,
  family: 'none',
  armAction: 'Microsoft.Storage/storageAccounts/managementPolicies/read',
  handle(ctx) {
    const d = find(ctx, 'storage', ctx.params.account);
    const rules = d.setting.storage?.lifecycleRules ?? defaultRules(d);
    if (rules.length === 0)
      throw new GraphHttpError(
        404,
        'ManagementPolicyNotFound',
        `No ManagementPolicy found for account ${d.resourceName}`,
      );
    return {
      id: `${d.resourceId}/managementPolicies/default`,
      name: 'DefaultManagementPolicy',
      type: 'Microsoft.Storage/storageAccounts/managementPolicies',
      properties: { lastModifiedTime: '2026-01-05T09:12:44.0000000Z', policy: { rules } },
    };
  },
};

function policyOf(d: DiagnosticDestination) {
  const im = d.setting.storage?.immutability;
  return im && { immutabilityPeriodSinceCreationInDays: im.days, state: im.state, allowProtectedAppendWrites: true };
}

/** The account, with version-level immutability and its default policy where the world sets one at that level. */
export const getStorageAccount: Endpoint = {
  api: 'arm',
  path: STORAGE,
  family: 'none',
  armAction: 'Microsoft.Storage/storageAccounts/read',
  handle(ctx) {
    const d = find(ctx, 'storage', ctx.params.account);
    const accountLevel = d.setting.storage?.immutability?.scope === 'account';
    return {
      id: d.resourceId,
      name: d.resourceName,
      type: 'Microsoft.Storage/storageAccounts',
      location: 'westeurope',
      kind: 'StorageV2',
      sku: { name: 'Standard_GRS', tier: 'Standard' },
      properties: {
        provisioningState: 'Succeeded',
        accessTier: 'Hot',
        allowBlobPublicAccess: false,
        minimumTlsVersion: 'TLS1_2',
        supportsHttpsTrafficOnly: true,
        ...(accountLevel ? { immutableStorageWithVersioning: { enabled: true, immutabilityPolicy: policyOf(d) } } : {}),
      },
    };
  },
};

/** The containers Azure Monitor writes an Entra setting's categories to: `insights-logs-<category>`. */
function container(ctx: RequestContext, d: DiagnosticDestination): string {
  const name = (ctx.params.container ?? '').toLowerCase();
  if (!d.setting.categories.some((c) => `insights-logs-${c.toLowerCase()}` === name))
    throw new GraphHttpError(404, 'ContainerNotFound', 'The specified container does not exist.');
  return name;
}

/** A log container with its immutability policy and legal hold (`BlobContainer`). */
export const getBlobContainer: Endpoint = {
  api: 'arm',
  path: CONTAINER,
  family: 'none',
  armAction: 'Microsoft.Storage/storageAccounts/blobServices/containers/read',
  handle(ctx) {
    const d = find(ctx, 'storage', ctx.params.account);
    const name = container(ctx, d);
    const storage = d.setting.storage;
    const own = storage?.immutability?.scope === 'container' ? policyOf(d) : undefined;
    const tags = storage?.legalHoldTags ?? [];
    return {
      id: `${d.resourceId}/blobServices/default/containers/${name}`,
      name,
      type: 'Microsoft.Storage/storageAccounts/blobServices/containers',
      etag: '"0x8DC2B5E0A1F3C21"',
      properties: {
        publicAccess: 'None',
        leaseStatus: 'Unlocked',
        leaseState: 'Available',
        lastModifiedTime: '2026-01-05T09:12:44.0000000Z',
        hasImmutabilityPolicy: own !== undefined,
        hasLegalHold: tags.length > 0,
        ...(own ? { immutabilityPolicy: { etag: '"8dc2b5e0a2c4d10"', properties: own, updateHistory: [] } } : {}),
        legalHold: {
          hasLegalHold: tags.length > 0,
          tags: tags.map((tag) => ({
            tag,
            timestamp: '2026-01-05T09:12:44.0000000Z',
            objectIdentifier: d.subscriptionTenantId,
          })),
        },
        immutableStorageWithVersioning: { enabled: storage?.immutability?.scope === 'account' },
      },
    };
  },
};

/** `immutabilityPolicies/default` of a log container; one without a policy answers as an unlocked zero-day one. */
export const getContainerImmutabilityPolicy: Endpoint = {
  api: 'arm',
  path: `${CONTAINER}/immutabilityPolicies/default`,
  family: 'none',
  armAction: 'Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies/read',
  handle(ctx) {
    const d = find(ctx, 'storage', ctx.params.account);
    const name = container(ctx, d);
    const own = d.setting.storage?.immutability?.scope === 'container' ? policyOf(d) : undefined;
    return {
      id: `${d.resourceId}/blobServices/default/containers/${name}/immutabilityPolicies/default`,
      name: 'default',
      type: 'Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies',
      etag: '"8dc2b5e0a2c4d10"',
      properties: own ?? { immutabilityPeriodSinceCreationInDays: 0, state: 'Unlocked' },
    };
  },
};
