import { generateKeyPairSync } from 'node:crypto';
import { preset } from '@evident/simulators';
import { type GcpSimulator, startGcpSimulator } from '@evident/simulators/gcp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createGcpLoggingConnector } from './connector.ts';
import { AT_NOW, contextFor, FAST } from './contract.fixture.ts';

const sc = preset('healthy');
const world = sc.tenants[0]!.gcp!;
const PROD = `projects/${world.projects[1]!.projectId}`;
const ORG = `organizations/${world.organizationId}`;
const connector = createGcpLoggingConnector(FAST);

let sim: GcpSimulator;
beforeAll(async () => {
  sim = await startGcpSimulator(sc, AT_NOW);
});
afterAll(() => sim.close());
beforeEach(() => {
  sim.faults.set('northwind', {});
  sim.accounting.reset();
});

const revokeNow = (permission: string) =>
  sim.faults.set('northwind', { revokePermission: { after: sim.faults.requestCount('northwind'), permission } });

describe('check', () => {
  it('finds every permission granted, with one small call each', async () => {
    const result = await connector.check(contextFor(sim, [PROD]));
    expect(result.ok).toBe(true);
    expect(result.items.map((i) => [i.name, i.status])).toEqual([
      [`logging.buckets.list on ${PROD}`, 'granted'],
      [`logging.sinks.list on ${PROD}`, 'granted'],
      [`logging.exclusions.list on ${PROD}`, 'granted'],
      [`logging.logEntries.list on ${PROD}`, 'granted'],
      [`resourcemanager.projects.getIamPolicy on ${PROD}`, 'granted'],
      [`resourcemanager.projects.get on ${PROD}`, 'granted'],
    ]);
    expect(sim.accounting.total({ endpoint: 'ConfigServiceV2.ListBuckets' })).toBe(1);
    expect(sim.accounting.total({ endpoint: 'ConfigServiceV2.ListSinks' })).toBe(1);
    expect(sim.accounting.total({ endpoint: 'LoggingServiceV2.ListLogEntries' })).toBe(1);
  });

  it('checks an organization for the listing of what is under it too', async () => {
    const result = await connector.check(contextFor(sim, [ORG]));
    expect(result.items.map((i) => i.name)).toEqual([
      `logging.buckets.list on ${ORG}`,
      `logging.sinks.list on ${ORG}`,
      `logging.exclusions.list on ${ORG}`,
      `logging.logEntries.list on ${ORG}`,
      `resourcemanager.organizations.getIamPolicy on ${ORG}`,
      `resourcemanager.projects.list on ${ORG}`,
      `resourcemanager.folders.list on ${ORG}`,
    ]);
    expect(result.items.every((i) => i.status === 'granted')).toBe(true);
    expect(sim.accounting.total({ endpoint: 'Projects.ListProjects' })).toBe(1);
  });

  it.each([
    'logging.buckets.list',
    'logging.sinks.list',
    'logging.exclusions.list',
    'logging.logEntries.list',
    'resourcemanager.projects.getIamPolicy',
  ])('reports %s missing by name, and only it', async (permission) => {
    revokeNow(permission);
    const result = await connector.check(contextFor(sim, [PROD]));
    expect(result.ok).toBe(false);
    const missing = result.items.filter((i) => i.status === 'missing');
    expect(missing.map((i) => i.name)).toEqual([`${permission} on ${PROD}`]);
    expect(missing[0]!.message).toContain(permission);
    expect(result.items.filter((i) => i.status === 'granted')).toHaveLength(5);
  });

  it('says unknown, not missing, when the credential itself is refused', async () => {
    sim.faults.set('northwind', { tokenExpiresAfter: sim.faults.requestCount('northwind') });
    const result = await connector.check(contextFor(sim, [PROD]));
    expect(result.ok).toBe(false);
    expect(result.items.map((i) => i.status)).toEqual(Array(6).fill('unknown'));
    expect(result.items[0]!.message).toMatch(/authentication failed/);
    expect(sim.accounting.total()).toBe(1);
  });

  it('honours its deadline when Google stalls: what was not answered in time is unknown, never granted', async () => {
    sim.faults.set('northwind', { timeoutShare: 1 });
    const started = Date.now();
    const result = await createGcpLoggingConnector().check(
      contextFor(sim, [PROD], { signal: AbortSignal.timeout(300) }),
    );
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(result.ok).toBe(false);
    expect(result.items).toHaveLength(6);
    for (const i of result.items) {
      expect(i.status).toBe('unknown');
      expect(i.message).toMatch(/did not answer before the check's deadline/);
    }
  });

  it('fails on a service-account key the simulator does not know, saying so, and grants nothing', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const stranger = { ...sim.serviceAccountKey, private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }) };
    const result = await connector.check(
      contextFor(sim, [PROD], {
        secret: { serviceAccountKey: { ...stranger, private_key: String(stranger.private_key) } },
      }),
    );
    expect(result.ok).toBe(false);
    expect(result.items.filter((i) => i.status === 'granted')).toEqual([]);
    expect(result.items[0]!.message).toMatch(/authentication failed.*invalid authentication credentials/is);
    expect(sim.accounting.total({ tenant: '(unknown)' })).toBe(1);
  });

  it('reports a missing service-account key without calling anything', async () => {
    const ctx = contextFor(sim, [PROD]);
    ctx.config = { ...ctx.config, endpoints: { ...ctx.config.endpoints, insecure: false } };
    ctx.secret = {};
    const result = await connector.check(ctx);
    expect(result).toMatchObject({ ok: false, items: [{ name: 'service-account key', status: 'missing' }] });
    expect(sim.accounting.total()).toBe(0);
  });
});
