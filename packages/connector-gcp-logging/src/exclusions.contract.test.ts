import type { ScenarioInput } from '@evident/simulators';
import { type GcpSimulator, startGcpSimulator } from '@evident/simulators/gcp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AT_NOW, collect, logSourceOf } from './contract.fixture.ts';

const ALL_DATA_ACCESS = 'LOG_ID("cloudaudit.googleapis.com/data_access")';
const drop = (filter: string, disabled = false) => ({
  defaultSink: { exclusions: [{ name: 'drop', filter, disabled }] },
});

const SCENARIO = {
  seed: 5,
  tenants: [
    {
      name: 'fabrikam',
      gcp: {
        projects: [
          { projectId: 'fk-excluded', dataAccess: 'all', ...drop(ALL_DATA_ACCESS) },
          { projectId: 'fk-inactive', dataAccess: 'all', ...drop(ALL_DATA_ACCESS, true) },
          { projectId: 'fk-unreadable', dataAccess: 'all', ...drop('logName:( AND') },
          { projectId: 'fk-disabled', dataAccess: 'all', defaultSink: { disabled: true } },
          {
            projectId: 'fk-exported',
            dataAccess: 'all',
            defaultSink: { disabled: true },
            sinks: [
              {
                name: 'to-bq',
                destination: 'bigquery.googleapis.com/projects/fk-exported/datasets/audit',
                exclusions: [{ name: 'no-reads', filter: 'logName:"data_access"', disabled: true }],
              },
              {
                name: 'to-gcs',
                destination: 'storage.googleapis.com/fk-archive',
                exclusions: [{ name: 'no-data', filter: ALL_DATA_ACCESS }],
              },
            ],
          },
        ],
      },
    },
  ],
} satisfies ScenarioInput;

let sim: GcpSimulator;
beforeAll(async () => {
  sim = await startGcpSimulator(SCENARIO, AT_NOW);
});
afterAll(() => sim.close());

describe('exclusions, disabled sinks and disabled exclusions, read through the GAPIC clients', () => {
  it('keeps Data Access only where a sink stores it, and says unknown where an exclusion cannot be read', async () => {
    const projects = SCENARIO.tenants[0]!.gcp.projects.map((p) => `projects/${p.projectId}`);
    const run = await collect(sim, projects);
    expect(run.gaps).toEqual([]);
    const dataAccess = (id: string) => logSourceOf(run, `projects/${id}`, 'data_access');
    expect(dataAccess('fk-excluded')).toMatchObject({ enabled: false, nativeRetentionDays: 0, destinations: [] });
    expect(dataAccess('fk-inactive')).toMatchObject({ enabled: true, nativeRetentionDays: 30 });
    expect(dataAccess('fk-unreadable')).toMatchObject({ enabled: 'unknown', nativeRetentionDays: 'unknown' });
    expect(dataAccess('fk-disabled')).toMatchObject({ enabled: false, nativeRetentionDays: 0 });
    expect(dataAccess('fk-exported')).toMatchObject({ enabled: true, nativeRetentionDays: 0 });
    expect(dataAccess('fk-exported').destinations.map((d) => d.kind)).toEqual(['bigquery']);
    expect(logSourceOf(run, 'projects/fk-excluded', 'admin_audit')).toMatchObject({ nativeRetentionDays: 400 });
    expect(sim.accounting.total({ endpoint: 'ConfigServiceV2.ListExclusions' })).toBe(projects.length);
  });

  it('says unknown, with a gap naming the permission, when the exclusions cannot be listed', async () => {
    sim.faults.set('fabrikam', { revokePermission: { after: 0, permission: 'logging.exclusions.list' } });
    try {
      const run = await collect(sim, ['projects/fk-inactive']);
      expect(logSourceOf(run, 'projects/fk-inactive', 'data_access').enabled).toBe('unknown');
      expect(run.gaps).toEqual([
        expect.objectContaining({
          code: 'permission_missing',
          permission: 'logging.exclusions.list',
          covers: ['logSource.data_access'],
        }),
      ]);
    } finally {
      sim.faults.set('fabrikam', {});
    }
  });
});
