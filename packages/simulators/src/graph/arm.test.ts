import type { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PRESETS } from '../scenario/presets.ts';
import { scenario } from '../scenario/schema.ts';
import { type GraphSimulator, startGraphSimulator } from './server.ts';
import { fetchToken, trustingAgent } from './testing/graph-client.ts';
import { managingTenantId } from './world/diagnostics.ts';

const API = 'api-version=2017-04-01';
const world = scenario.parse({
  seed: 9,
  tenants: [
    PRESETS.healthy.tenants[0],
    {
      name: 'adatum',
      entra: {
        tenantId: 'adatum',
        users: 20,
        diagnosticSettings: [
          { name: 'to-storage', destination: 'storage', retentionDays: 90, separateBoundary: false },
          { name: 'to-siem', destination: 'event_hub', retentionDays: 400, categories: ['SignInLogs'] },
          { name: 'short-law', destination: 'log_analytics', retentionDays: 14, separateBoundary: false },
        ],
      },
    },
  ],
});

let sim: GraphSimulator;
let agent: Agent;
const tokens = new Map<string, string>();

const setting = z.object({
  id: z.string(),
  name: z.string(),
  properties: z.object({
    workspaceId: z.string().nullable(),
    storageAccountId: z.string().nullable(),
    eventHubAuthorizationRuleId: z.string().nullable(),
    eventHubName: z.string().nullable(),
    logs: z.array(z.object({ category: z.string(), enabled: z.boolean() })),
  }),
});
const settings = z.object({ value: z.array(setting) });
const retention = z.object({
  properties: z.object({
    retentionInDays: z.number(),
    totalRetentionInDays: z.number().optional(),
    plan: z.string().optional(),
  }),
});
const subscription = z.object({ subscriptionId: z.string(), tenantId: z.string() });
const lifecycle = z.object({
  properties: z.object({
    policy: z.object({
      rules: z.array(
        z.object({
          definition: z.object({
            actions: z.object({
              baseBlob: z.object({ delete: z.object({ daysAfterModificationGreaterThan: z.number() }) }),
            }),
          }),
        }),
      ),
    }),
  }),
});
const eventHub = z.object({ properties: z.object({ messageRetentionInDays: z.number() }) });
const armError = z.object({ error: z.object({ code: z.string(), message: z.string() }).strict() });

async function arm<T>(schema: z.ZodType<T>, tenant: string, path: string, token = tokens.get(tenant)!) {
  const res = await fetch(`${sim.url}${path}`, {
    headers: { authorization: `Bearer ${token}` },
    dispatcher: agent,
  } as RequestInit);
  return { status: res.status, body: schema.parse(await res.json()) };
}

const settingsOf = async (tenant: string) =>
  (await arm(settings, tenant, `/providers/microsoft.aadiam/diagnosticSettings?${API}`)).body.value;
const named = (list: z.infer<typeof setting>[], name: string) => list.find((s) => s.name === name)!.properties;

beforeAll(async () => {
  sim = await startGraphSimulator(world);
  agent = trustingAgent(sim);
  for (const t of ['northwind', 'adatum'])
    tokens.set(t, await fetchToken(sim, t, 'https://management.azure.com/.default'));
});
afterAll(async () => {
  await agent.close();
  await sim.close();
});

describe('ARM: Entra diagnostic settings and their destinations', () => {
  it('lists the settings with their destination and log categories', async () => {
    const { status, body } = await arm(settings, 'northwind', `/providers/microsoft.aadiam/diagnosticSettings?${API}`);
    expect(status).toBe(200);
    expect(body.value).toHaveLength(1);
    const only = body.value[0]!;
    expect(only).toMatchObject({
      id: '/providers/microsoft.aadiam/diagnosticSettings/to-central-workspace',
      name: 'to-central-workspace',
      properties: { storageAccountId: null, eventHubAuthorizationRuleId: null },
    });
    expect(only.properties.workspaceId).toMatch(
      /^\/subscriptions\/[0-9a-f-]{36}\/resourceGroups\/[^/]+\/providers\/Microsoft\.OperationalInsights\/workspaces\/[^/]+$/,
    );
    const enabled = only.properties.logs.filter((l) => l.enabled).map((l) => l.category);
    expect(enabled).toEqual(world.tenants[0]!.entra!.diagnosticSettings[0]!.categories);
    expect(only.properties.logs.find((l) => l.category === 'ProvisioningLogs')?.enabled).toBe(false);
  });

  it('leads to the workspace retention and to a subscription outside the customer’s tenant', async () => {
    const one = await arm(
      setting,
      'northwind',
      `/providers/microsoft.aadiam/diagnosticSettings/to-central-workspace?${API}`,
    );
    const workspaceId = one.body.properties.workspaceId!;
    const workspace = await arm(retention, 'northwind', `${workspaceId}?api-version=2023-09-01`);
    expect(workspace.body.properties.retentionInDays).toBe(365);
    const table = await arm(retention, 'northwind', `${workspaceId}/tables/SigninLogs?api-version=2023-09-01`);
    expect(table.body.properties).toMatchObject({ retentionInDays: 365, totalRetentionInDays: 365, plan: 'Analytics' });
    const sub = await arm(
      subscription,
      'northwind',
      `/subscriptions/${workspaceId.split('/')[2]}?api-version=2022-12-01`,
    );
    expect(sub.body.tenantId).toBe(managingTenantId(world.seed));
    expect(sub.body.tenantId).not.toBe('northwind');
  });

  it('shows a short table retention under the workspace minimum, inside the customer’s own tenant', async () => {
    const law = named(await settingsOf('adatum'), 'short-law').workspaceId!;
    expect((await arm(retention, 'adatum', `${law}?api-version=2023-09-01`)).body.properties.retentionInDays).toBe(30);
    const table = await arm(retention, 'adatum', `${law}/tables/AuditLogs?api-version=2023-09-01`);
    expect(table.body.properties.retentionInDays).toBe(14);
    const sub = await arm(subscription, 'adatum', `/subscriptions/${law.split('/')[2]}?api-version=2022-12-01`);
    expect(sub.body.tenantId).toBe('adatum');
  });

  it('serves the storage lifecycle policy and the event hub of the other destinations', async () => {
    const all = await settingsOf('adatum');
    const storage = named(all, 'to-storage').storageAccountId!;
    const policy = await arm(lifecycle, 'adatum', `${storage}/managementPolicies/default?api-version=2023-05-01`);
    const rule = policy.body.properties.policy.rules[0]!;
    expect(rule.definition.actions.baseBlob.delete.daysAfterModificationGreaterThan).toBe(90);
    const hub = named(all, 'to-siem');
    const namespace = hub.eventHubAuthorizationRuleId!.replace(/\/authorizationrules\/.*$/, '');
    const hubPath = `${namespace}/eventhubs/${hub.eventHubName}?api-version=2024-01-01`;
    expect((await arm(eventHub, 'adatum', hubPath)).body.properties.messageRetentionInDays).toBe(7);
  });

  it('answers ARM errors in ARM’s shape', async () => {
    const list = `/providers/microsoft.aadiam/diagnosticSettings?${API}`;
    const wrong = await arm(armError, 'northwind', list, await fetchToken(sim, 'northwind'));
    expect([wrong.status, wrong.body.error.code]).toEqual([401, 'InvalidAuthenticationTokenAudience']);
    const noVersion = await arm(armError, 'northwind', '/providers/microsoft.aadiam/diagnosticSettings');
    expect([noVersion.status, noVersion.body.error.code]).toEqual([400, 'MissingApiVersionParameter']);
    const missing = await arm(armError, 'northwind', `/providers/microsoft.aadiam/diagnosticSettings/nope?${API}`);
    expect([missing.status, missing.body.error.code]).toEqual([404, 'ResourceNotFound']);
    const onGraph = await arm(z.object({ error: z.object({ code: z.string() }) }), 'northwind', '/v1.0/organization');
    expect([onGraph.status, onGraph.body.error.code]).toEqual([401, 'InvalidAuthenticationToken']);
    sim.faults.set('northwind', {
      revokePermission: { after: 0, permission: 'microsoft.aadiam/diagnosticSettings/read' },
    });
    const denied = await arm(armError, 'northwind', list);
    expect([denied.status, denied.body.error.code]).toEqual([403, 'AuthorizationFailed']);
  });
});
