import { preset } from '@evident/simulators';
import { type GcpSimulator, startGcpSimulator } from '@evident/simulators/gcp';
import { v2 } from '@google-cloud/logging';
import { credentials } from '@grpc/grpc-js';
import { PassThroughClient } from 'google-auth-library';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClients } from './clients.ts';
import { AT_NOW, collect, logSourceOf, NOW } from './contract.fixture.ts';

const ORG = 'organizations/woodgrove-org';
const PAYMENTS = 'projects/woodgrove-payments';
const SECOPS = 'logging.googleapis.com/projects/woodgrove-secops';
const CENTRAL = 'logging.googleapis.com/projects/woodgrove-central-logs/locations/global/buckets/audit-archive';
const hoursBefore = (h: number) => new Date(NOW.getTime() - h * 3_600_000).toISOString();

let sim: GcpSimulator;
beforeAll(async () => {
  sim = await startGcpSimulator(preset('gcp-hierarchy'), AT_NOW);
});
afterAll(() => sim.close());

describe('interceptChildren on the wire', () => {
  const address = () => `127.0.0.1:${sim.port}`;
  const interceptOf = (sinks: { name?: string | null; interceptChildren?: boolean }[]) =>
    sinks.filter((s) => s.name === 'data-access-to-secops').map((s) => s.interceptChildren ?? false);

  it('is dropped by the stock v2 client, and decoded by the connector’s', async () => {
    const stock = new v2.ConfigServiceV2Client({
      apiEndpoint: '127.0.0.1',
      port: sim.port,
      sslCreds: credentials.createInsecure(),
      authClient: new PassThroughClient(),
    });
    const config = { resources: [ORG], endpoints: { logging: address(), resourceManager: address(), insecure: true } };
    const ours = await createClients(config, {});
    try {
      const [dropped] = await stock.listSinks({ parent: 'folders/3001' });
      expect(interceptOf(dropped)).toEqual([false]);
      await ours.logging.initialize();
      const [decoded] = (await ours.logging.listSinks({ parent: 'folders/3001' }, {})) as [typeof dropped];
      expect(interceptOf(decoded)).toEqual([true]);
    } finally {
      await Promise.all([stock.close(), ours.close()]);
    }
  });
});

describe('the gcp-hierarchy preset, collected from the organization down', () => {
  it('reads every folder and project, and the audit configs of each level', async () => {
    const run = await collect(sim, [ORG]);
    expect(run.gaps).toEqual([]);
    const scopes = [...new Set(run.facts.map((f) => f.scope))].sort();
    expect(scopes).toEqual([
      'folders/3001',
      'folders/3002',
      'folders/3100',
      ORG,
      'projects/woodgrove-central-logs',
      PAYMENTS,
      'projects/woodgrove-sandbox',
      'projects/woodgrove-secops',
    ]);
    // The organization turns Data Access on for everything under it.
    for (const f of run.facts) if (f.type === 'setting') expect([f.scope, f.value]).toEqual([f.scope, 'all']);
  });

  it('routes Data Access of a project under the intercepting folder past its _Default and own sinks', async () => {
    const run = await collect(sim, [PAYMENTS]);
    const data = logSourceOf(run, PAYMENTS, 'data_access');
    expect(data).toMatchObject({ enabled: true, nativeRetentionDays: 0, locked: false, lastEventAt: hoursBefore(1) });
    expect(data.destinations).toEqual([
      { kind: 'log_bucket', name: SECOPS, boundary: 'separate', retentionDays: 'unknown', locked: 'unknown' },
      { kind: 'log_bucket', name: CENTRAL, boundary: 'separate', retentionDays: 400, locked: true },
    ]);
    const admin = logSourceOf(run, PAYMENTS, 'admin_audit');
    expect(admin).toMatchObject({ nativeRetentionDays: 400, locked: true, lastEventAt: hoursBefore(2) });
    expect(admin.destinations.map((d) => [d.name, d.retentionDays])).toEqual([
      ['storage.googleapis.com/woodgrove-payments-archive', 'unknown'],
      [CENTRAL, 400],
    ]);
  });

  it('tells the newest entry of each audit log, and none where none is kept', async () => {
    const run = await collect(sim, ['folders/3100']);
    expect(logSourceOf(run, 'projects/woodgrove-sandbox', 'admin_audit').lastEventAt).toBe(hoursBefore(100));
    expect(logSourceOf(run, 'projects/woodgrove-sandbox', 'system_event').lastEventAt).toBeNull();
    expect(logSourceOf(run, 'folders/3100', 'system_event').lastEventAt).toBe(hoursBefore(20));
    expect(logSourceOf(run, 'folders/3100', 'data_access').lastEventAt).toBe(hoursBefore(1));
    // The folder's own aggregated sink reaches the project under it, beside the organization's.
    expect(logSourceOf(run, 'projects/woodgrove-sandbox', 'admin_audit').destinations.map((d) => d.name)).toEqual([
      'bigquery.googleapis.com/projects/woodgrove-secops/datasets/sandbox_audit',
      CENTRAL,
    ]);
    expect(sim.accounting.total({ tenant: 'woodgrove', endpoint: 'LoggingServiceV2.ListLogEntries' })).toBeGreaterThan(
      0,
    );
  });

  it('leaves lastEventAt unknown, with a gap naming the permission, when entries cannot be read', async () => {
    const baseline = await collect(sim, [PAYMENTS]);
    sim.faults.set('woodgrove', { revokePermission: { after: 0, permission: 'logging.logEntries.list' } });
    try {
      const run = await collect(sim, [PAYMENTS]);
      const logs = run.facts.filter((f) => f.type === 'logSource');
      expect(logs.map((f) => f.lastEventAt)).toEqual(['unknown', 'unknown', 'unknown']);
      const strip = ({ source: _, lastEventAt: __, ...rest }: (typeof logs)[number]) => rest;
      expect(logs.map(strip)).toEqual(baseline.facts.filter((f) => f.type === 'logSource').map(strip));
      expect(run.gaps.map((g) => [g.code, g.permission, g.covers])).toEqual(
        ['activity', 'data_access', 'system_event'].map((log) => [
          'permission_missing',
          'logging.logEntries.list',
          [`logSource.${log === 'activity' ? 'admin_audit' : log}.lastEventAt`],
        ]),
      );
    } finally {
      sim.faults.set('woodgrove', {});
    }
  });
});
