import { describe, expect, it } from 'vitest';
import { gcpWorld } from '../scenario/schema.ts';
import { GcpScenarioError, startGcpSimulator } from './server.ts';
import { gcpWorldView } from './world-view.ts';

const world = gcpWorld.parse({
  organizationId: '77',
  organizationSinks: [{ name: 'agg', destination: 'storage.googleapis.com/agg', includeChildren: true }],
  projects: [
    { projectId: 'a', defaultRetentionDays: 90, dataAccess: 'partial', dataAccessExemptions: ['user:x@example.com'] },
    { projectId: 'b', buckets: [{ id: 'long', retentionDays: 3650, location: 'us' }] },
  ],
});

describe('gcpWorldView', () => {
  it('gives every project and the organization _Required (400 days, locked) and _Default buckets and sinks', () => {
    const view = gcpWorldView(world, 1);
    expect(view.resources.map((r) => r.name)).toEqual(['projects/a', 'projects/b', 'organizations/77']);
    for (const r of view.resources) {
      const required = r.buckets.find((b) => b.name.endsWith('/_Required'))!;
      expect(required).toMatchObject({ retentionDays: 400, locked: true, lifecycleState: 'ACTIVE' });
      expect(r.sinks.slice(0, 2).map((s) => s.name)).toEqual(['_Default', '_Required']);
    }
    expect(view.find('projects/a')!.buckets[0]).toMatchObject({
      name: 'projects/a/locations/global/buckets/_Default',
      retentionDays: 90,
    });
    expect(view.find('projects/b')!.buckets[2]!.name).toBe('projects/b/locations/us/buckets/long');
    expect(view.find('organizations/77')!.sinks[2]).toMatchObject({ name: 'agg', includeChildren: true });
  });

  it('maps data access to audit configs and reaches projects by number too', () => {
    const view = gcpWorldView(world, 1);
    const a = view.find('projects/a')!;
    expect(a.policy.auditConfigs.flatMap((c) => c.auditLogConfigs.map((l) => `${c.service}:${l.logType}`))).toEqual([
      'storage.googleapis.com:DATA_READ',
      'storage.googleapis.com:DATA_WRITE',
      'cloudsql.googleapis.com:DATA_WRITE',
    ]);
    expect(a.policy.auditConfigs[0]!.auditLogConfigs[0]!.exemptedMembers).toEqual(['user:x@example.com']);
    expect(view.find('projects/b')!.policy.auditConfigs).toEqual([]);
    expect(view.find(a.project!.name)).toBe(a);
    expect(a.project!.parent).toBe('organizations/77');
    expect(gcpWorldView(world, 1).resources).toEqual(view.resources);
  });

  it('refuses a scenario where two tenants claim the same project', async () => {
    const tenant = (name: string) => ({ name, gcp: { projects: [{ projectId: 'shared' }] } });
    await expect(startGcpSimulator({ tenants: [tenant('x'), tenant('y')] })).rejects.toBeInstanceOf(GcpScenarioError);
  });
});
