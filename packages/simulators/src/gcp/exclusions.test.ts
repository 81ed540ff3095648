import { v2 } from '@google-cloud/logging';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientOptions } from './clients.fixture.ts';
import { type GcpSimulator, startGcpSimulator } from './server.ts';

const DATA_ACCESS = 'LOG_ID("cloudaudit.googleapis.com/data_access")';

let sim: GcpSimulator;
let config: InstanceType<typeof v2.ConfigServiceV2Client>;
beforeAll(async () => {
  sim = await startGcpSimulator({
    tenants: [
      {
        name: 'fabrikam',
        gcp: {
          organizationId: '77',
          organizationDefaultSink: { disabled: true },
          projects: [
            {
              projectId: 'fk-prod',
              defaultSink: {
                exclusions: [
                  { name: 'no-data', filter: DATA_ACCESS },
                  { name: 'paused', filter: 'severity<ERROR', disabled: true },
                ],
              },
              sinks: [
                {
                  name: 'to-gcs',
                  destination: 'storage.googleapis.com/fk-logs',
                  exclusions: [{ name: 'no-reads', filter: 'logName:"data_access"' }],
                },
              ],
            },
          ],
        },
      },
    ],
  });
  config = new v2.ConfigServiceV2Client(clientOptions(sim));
});
afterAll(async () => {
  await config.close();
  await sim.close();
});

type Exclusion = { name?: string | null; filter?: string | null; disabled?: boolean | null };
type Sink = { name: string; disabled?: boolean; exclusions: Exclusion[] };
const shape = (e: Exclusion) => ({ name: e.name, filter: e.filter, disabled: e.disabled ?? false });

describe('sink exclusions and the _Default sink, through @google-cloud/logging’s v2 client', () => {
  it('lists the _Default sink’s exclusions with ListExclusions, disabled ones included, and pages them', async () => {
    const [first, next] = await config.listExclusions(
      { parent: 'projects/fk-prod', pageSize: 1 },
      { autoPaginate: false },
    );
    expect(first.map(shape)).toEqual([{ name: 'no-data', filter: DATA_ACCESS, disabled: false }]);
    const [second] = await config.listExclusions(next, { autoPaginate: false });
    expect(second.map(shape)).toEqual([{ name: 'paused', filter: 'severity<ERROR', disabled: true }]);
    const [none] = await config.listExclusions({ parent: 'organizations/77' });
    expect(none).toEqual([]);
  });

  it('shows the same exclusions on the _Default sink, a sink’s own exclusions, and a disabled _Default', async () => {
    const [sinks] = await config.listSinks({ parent: 'projects/fk-prod' });
    const byName = new Map((sinks as Sink[]).map((s) => [s.name, s]));
    expect(byName.get('_Default')?.exclusions.map(shape)).toEqual([
      { name: 'no-data', filter: DATA_ACCESS, disabled: false },
      { name: 'paused', filter: 'severity<ERROR', disabled: true },
    ]);
    expect(byName.get('to-gcs')?.exclusions.map(shape)).toEqual([
      { name: 'no-reads', filter: 'logName:"data_access"', disabled: false },
    ]);
    expect(byName.get('_Required')?.exclusions).toEqual([]);
    const [org] = await config.listSinks({ parent: 'organizations/77' });
    expect((org as Sink[]).find((s) => s.name === '_Default')?.disabled).toBe(true);
  });

  it('refuses ListExclusions without logging.exclusions.list, as it refuses every call without its permission', async () => {
    sim.faults.set('fabrikam', { revokePermission: { after: 0, permission: 'logging.exclusions.list' } });
    try {
      await expect(config.listExclusions({ parent: 'projects/fk-prod' })).rejects.toMatchObject({ code: 7 });
      await expect(config.listSinks({ parent: 'projects/fk-prod' })).resolves.toBeDefined();
    } finally {
      sim.faults.set('fabrikam', {});
    }
  });
});
