import type { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { lifecycleRule } from '../scenario/entra-storage.ts';
import { scenario } from '../scenario/schema.ts';
import { type GraphSimulator, startGraphSimulator } from './server.ts';
import { fetchToken, trustingAgent } from './testing/graph-client.ts';
import { diagnosticDestinations } from './world/diagnostics.ts';

const V = 'api-version=2023-05-01';
const rules = [
  {
    enabled: true,
    name: 'audit',
    type: 'Lifecycle',
    definition: {
      actions: { baseBlob: { delete: { daysAfterModificationGreaterThan: 400 } } },
      filters: { blobTypes: ['appendBlob'], prefixMatch: ['insights-logs-auditlogs'] },
    },
  },
  {
    name: 'everything',
    type: 'Lifecycle',
    definition: { actions: { baseBlob: { delete: { daysAfterCreationGreaterThan: 200 } } } },
  },
  {
    name: 'idle',
    type: 'Lifecycle',
    definition: {
      actions: { baseBlob: { delete: { daysAfterLastAccessTimeGreaterThan: 60 } } },
      filters: { blobTypes: ['appendBlob', 'blockBlob'] },
    },
  },
  {
    enabled: false,
    name: 'off',
    type: 'Lifecycle',
    definition: {
      actions: { baseBlob: { delete: { daysAfterModificationGreaterThan: 1 } } },
      filters: { blobTypes: ['appendBlob'], blobIndexMatch: [{ name: 'kind', op: '==', value: 'tmp' }] },
    },
  },
];
const world = scenario.parse({
  seed: 4,
  tenants: [
    {
      name: 'fabrikam',
      entra: {
        tenantId: 'fabrikam',
        users: 5,
        diagnosticSettings: [
          {
            name: 'rules',
            destination: 'storage',
            storage: { lifecycleRules: rules, immutability: { days: 365, state: 'Locked' }, legalHoldTags: ['case42'] },
          },
          {
            name: 'versioned',
            destination: 'storage',
            categories: ['AuditLogs'],
            storage: { lifecycleRules: [], immutability: { scope: 'account', days: 30, state: 'Unlocked' } },
          },
        ],
      },
    },
  ],
});

/** ARM's documented shapes (`ManagementPolicy`, `StorageAccount`, `BlobContainer`, `ImmutabilityPolicy`). */
const managementPolicy = z.object({
  id: z.string(),
  name: z.literal('DefaultManagementPolicy'),
  type: z.literal('Microsoft.Storage/storageAccounts/managementPolicies'),
  properties: z.object({ lastModifiedTime: z.string(), policy: z.object({ rules: z.array(lifecycleRule) }) }).strict(),
});
const policyProperties = z
  .object({
    immutabilityPeriodSinceCreationInDays: z.number().int(),
    state: z.enum(['Locked', 'Unlocked']),
    allowProtectedAppendWrites: z.boolean().optional(),
  })
  .strict();
const account = z.object({
  type: z.literal('Microsoft.Storage/storageAccounts'),
  properties: z.object({
    immutableStorageWithVersioning: z
      .object({ enabled: z.boolean(), immutabilityPolicy: policyProperties.optional() })
      .strict()
      .optional(),
  }),
});
const container = z.object({
  type: z.literal('Microsoft.Storage/storageAccounts/blobServices/containers'),
  properties: z.object({
    hasImmutabilityPolicy: z.boolean(),
    hasLegalHold: z.boolean(),
    immutabilityPolicy: z
      .object({ etag: z.string(), properties: policyProperties, updateHistory: z.array(z.unknown()) })
      .optional(),
    legalHold: z.object({
      hasLegalHold: z.boolean(),
      tags: z.array(z.object({ tag: z.string(), timestamp: z.string(), objectIdentifier: z.string() })),
    }),
    immutableStorageWithVersioning: z.object({ enabled: z.boolean() }),
  }),
});
const immutabilityPolicy = z.object({
  name: z.literal('default'),
  type: z.literal('Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies'),
  etag: z.string(),
  properties: policyProperties,
});
const armError = z.object({ error: z.object({ code: z.string(), message: z.string() }).strict() });

let sim: GraphSimulator;
let agent: Agent;
let token: string;
const ids = new Map(
  diagnosticDestinations(world.tenants[0]!.entra!, world.seed).map((d) => [d.setting.name, d.resourceId]),
);

async function arm<T>(schema: z.ZodType<T>, path: string) {
  const res = await fetch(`${sim.url}${path}`, {
    headers: { authorization: `Bearer ${token}` },
    dispatcher: agent,
  } as RequestInit);
  return { status: res.status, body: schema.parse(await res.json()) };
}

beforeAll(async () => {
  sim = await startGraphSimulator(world);
  agent = trustingAgent(sim);
  token = await fetchToken(sim, 'fabrikam', 'https://management.azure.com/.default');
});
afterAll(async () => {
  await agent.close();
  await sim.close();
});

describe('ARM: the storage account an Entra setting exports to', () => {
  it('serves the lifecycle rules as written: prefix, none, last access, disabled with index tags', async () => {
    const { status, body } = await arm(managementPolicy, `${ids.get('rules')}/managementPolicies/default?${V}`);
    expect(status).toBe(200);
    expect(body.properties.policy.rules).toEqual(rules);
  });

  it('answers 404 for an account without a lifecycle policy', async () => {
    const { status, body } = await arm(armError, `${ids.get('versioned')}/managementPolicies/default?${V}`);
    expect([status, body.error.code]).toEqual([404, 'ManagementPolicyNotFound']);
  });

  it('a log container with its locked policy and legal hold, and the policy on its own', async () => {
    const path = `${ids.get('rules')}/blobServices/default/containers/insights-logs-auditlogs`;
    const { body } = await arm(container, `${path}?${V}`);
    expect(body.properties).toMatchObject({
      hasImmutabilityPolicy: true,
      hasLegalHold: true,
      immutabilityPolicy: { properties: { immutabilityPeriodSinceCreationInDays: 365, state: 'Locked' } },
      legalHold: { hasLegalHold: true, tags: [{ tag: 'case42' }] },
      immutableStorageWithVersioning: { enabled: false },
    });
    const policy = await arm(immutabilityPolicy, `${path}/immutabilityPolicies/default?${V}`);
    expect(policy.body.properties).toMatchObject({ immutabilityPeriodSinceCreationInDays: 365, state: 'Locked' });
    const plain = await arm(account, `${ids.get('rules')}?${V}`);
    expect(plain.body.properties.immutableStorageWithVersioning).toBeUndefined();
  });

  it('version-level immutability: the account carries the default policy, the container none of its own', async () => {
    const { body } = await arm(account, `${ids.get('versioned')}?${V}`);
    expect(body.properties.immutableStorageWithVersioning).toEqual({
      enabled: true,
      immutabilityPolicy: {
        immutabilityPeriodSinceCreationInDays: 30,
        state: 'Unlocked',
        allowProtectedAppendWrites: true,
      },
    });
    const path = `${ids.get('versioned')}/blobServices/default/containers/insights-logs-auditlogs?${V}`;
    const own = await arm(container, path);
    expect(own.body.properties).toMatchObject({
      hasImmutabilityPolicy: false,
      hasLegalHold: false,
      immutableStorageWithVersioning: { enabled: true },
    });
    expect(own.body.properties.immutabilityPolicy).toBeUndefined();
  });

  it('a category the setting does not export has no container', async () => {
    const path = `${ids.get('versioned')}/blobServices/default/containers/insights-logs-signinlogs?${V}`;
    const { status, body } = await arm(armError, path);
    expect([status, body.error.code]).toEqual([404, 'ContainerNotFound']);
  });
});
