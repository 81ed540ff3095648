import { generateKeyPairSync } from 'node:crypto';
import { createContext, type DiscoveredCustomer, egressPolicy } from '@evident/connector-kit';
import { PRESETS, scenario } from '@evident/simulators';
import { type GcpSimulator, gcpWorldView, startGcpSimulator } from '@evident/simulators/gcp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { gcpAccountConfig } from './account.ts';
import { type GcpLoggingSecret, gcpLoggingConfig } from './config.ts';
import { createGcpLoggingConnector } from './connector.ts';
import { AT_NOW, FAST, NOW } from './contract.fixture.ts';

const sc = scenario.parse({
  now: NOW.toISOString(),
  tenants: [
    ...PRESETS['gcp-hierarchy'].tenants,
    ...PRESETS.healthy.tenants.map((t) => ({ name: t.name, gcp: t.gcp })),
    {
      name: 'litware',
      gcp: { projects: [{ projectId: 'litware-web' }, { projectId: 'litware-old', state: 'DELETE_REQUESTED' }] },
    },
  ],
});
const connector = createGcpLoggingConnector(FAST);
const account = connector.account!;

let sim: GcpSimulator;
beforeAll(async () => {
  sim = await startGcpSimulator(sc, AT_NOW);
});
afterAll(() => sim.close());
beforeEach(() => sim.accounting.reset());

function accountContext(secret: GcpLoggingSecret = { serviceAccountKey: { ...sim.serviceAccountKey } }) {
  const address = `127.0.0.1:${sim.port}`;
  const endpoints = { logging: address, resourceManager: address, insecure: true, token: sim.tokenEndpoint };
  return createContext({
    connection: 'msp-service-account',
    config: gcpAccountConfig.parse({ endpoints }),
    secret,
    egress: egressPolicy(`${address},${new URL(sim.tokenEndpoint).host}`),
    now: () => NOW,
  });
}

function connectionContext(c: DiscoveredCustomer) {
  const a = accountContext();
  return createContext({
    connection: `conn-${c.externalId}`,
    config: gcpLoggingConfig.parse({ ...a.config, ...c.connection.config }),
    secret: { ...a.secret, ...c.connection.secret },
    egress: a.egress,
    now: () => NOW,
  });
}

describe('service account: discovery through Resource Manager search', () => {
  it('lists every organization, folder and project of the scenario, each connection naming its resource', async () => {
    const issued = sim.accessTokensIssued();
    const found = await account.discover(accountContext());
    const truth = sc.tenants.flatMap((t) => gcpWorldView(t.gcp!, sc.seed).resources);
    const expected = truth.map((r) => r.project?.name ?? r.name);
    expect(found.map((c) => c.externalId).sort()).toEqual(expected.sort());
    for (const r of truth) {
      const c = found.find((f) => f.externalId === (r.project?.name ?? r.name))!;
      expect(c.connection).toEqual({ config: { resources: [r.name] } });
      if (r.project) expect(c.domains).toEqual([r.project.projectId]);
    }
    expect(found.find((c) => c.externalId === 'organizations/woodgrove-org')).toMatchObject({
      name: 'woodgrove-org.example',
      domains: ['woodgrove-org.example'],
      reachable: { ok: true },
      warnings: [],
    });
    // The key was exchanged at the token endpoint once; every search carried the access token.
    expect(sim.accessTokensIssued()).toBe(issued + 1);
    expect(sim.accounting.total({ endpoint: 'Projects.SearchProjects' })).toBe(1);
    expect(sim.accounting.total({ endpoint: 'Folders.SearchFolders' })).toBe(1);
    expect(sim.accounting.total({ endpoint: 'Organizations.SearchOrganizations' })).toBe(1);
  });

  it('says why a deleted project cannot be read, and warns of a project an organization found too covers', async () => {
    const found = await account.discover(accountContext());
    const old = found.find((c) => c.domains.includes('litware-old'))!;
    expect(old.reachable.ok).toBe(false);
    expect(!old.reachable.ok && old.reachable.reason).toMatch(
      /projects\/litware-old was deleted on \d{4}-\d\d-\d\d \(DELETE_REQUESTED\)/,
    );
    const web = found.find((c) => c.domains.includes('litware-web'))!;
    expect(web).toMatchObject({ reachable: { ok: true }, warnings: [] });
    const payments = found.find((c) => c.domains.includes('woodgrove-payments'))!;
    expect(payments.warnings).toEqual([expect.stringMatching(/lies under folders\/3002, found too/)]);
  });

  it('a connection made from a discovered project passes its check', async () => {
    const found = await account.discover(accountContext());
    const prod = found.find((c) => c.domains.includes('northwind-prod'))!;
    const result = await connector.check(connectionContext(prod));
    expect(result.items.map((i) => [i.name, i.status])).toContainEqual([
      'logging.sinks.list on projects/northwind-prod',
      'granted',
    ]);
    expect(result.ok).toBe(true);
  });

  it('a key the account does not have fails at the token endpoint with invalid_grant, in words, reading nothing', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = String(privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const stranger = accountContext({ serviceAccountKey: { ...sim.serviceAccountKey, private_key: pem } });
    await expect(account.discover(stranger)).rejects.toMatchObject({
      code: 'auth_failed',
      message: expect.stringMatching(
        /Google refused the service account's key when asked for an access token \(invalid_grant: Invalid JWT Signature\.\)/,
      ),
    });
    expect(sim.accounting.total()).toBe(0);
  });

  it('follows every page of a search', async () => {
    const projects = Array.from({ length: 60 }, (_, i) => ({ projectId: `many-${i}` }));
    const many = await startGcpSimulator({ tenants: [{ name: 'many', gcp: { projects } }] }, AT_NOW);
    try {
      const address = `127.0.0.1:${many.port}`;
      const found = await account.discover(
        createContext({
          connection: 'msp-service-account',
          config: gcpAccountConfig.parse({
            endpoints: { logging: address, resourceManager: address, insecure: true, token: many.tokenEndpoint },
          }),
          secret: { serviceAccountKey: { ...many.serviceAccountKey } },
          egress: egressPolicy(`${address},${new URL(many.tokenEndpoint).host}`),
        }),
      );
      expect(found.map((c) => c.domains[0]).sort()).toEqual(projects.map((p) => p.projectId).sort());
      expect(many.accounting.total({ endpoint: 'Projects.SearchProjects' })).toBe(2);
    } finally {
      await many.close();
    }
  });

  it('refuses an account config that would send the key in plain text to Google', () => {
    const parsed = gcpAccountConfig.safeParse({ endpoints: { insecure: true } });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toMatch(/only for a local simulator/);
  });
});
