import { Logging } from '@google-cloud/logging';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Scenario, scenario } from '../scenario/schema.ts';
import { clientOptions, clients } from './clients.fixture.ts';
import { type GcpSimulator, startGcpSimulator } from './server.ts';
import { gcpWorldView } from './world-view.ts';

const sink = (name: string, includeChildren = false) => ({
  name,
  destination: `storage.googleapis.com/${name}-archive`,
  filter: 'logName:"cloudaudit.googleapis.com"',
  includeChildren,
});

const WORLD: Scenario = scenario.parse({
  seed: 9,
  tenants: [
    {
      name: 'northwind',
      gcp: {
        organizationId: '123456789',
        organizationSinks: [sink('org-audit', true), sink('org-all', true)],
        projects: [
          {
            projectId: 'nw-central',
            buckets: [
              { id: 'audit-archive', retentionDays: 400, locked: true },
              { id: 'eu-archive', location: 'europe-west1', retentionDays: 365 },
              { id: 'scratch', retentionDays: 7 },
            ],
            sinks: Array.from({ length: 7 }, (_, i) => sink(`export-${i}`)),
          },
          { projectId: 'nw-prod', dataAccess: 'all', dataAccessExemptions: ['user:break-glass@northwind.example'] },
          { projectId: 'nw-web', dataAccess: 'partial' },
          { projectId: 'nw-dev', defaultRetentionDays: 60 },
        ],
      },
    },
    { name: 'tailspin', gcp: { projects: [{ projectId: 'ts-prod' }] } },
  ],
});
const northwind = gcpWorldView(WORLD.tenants[0]!.gcp!, WORLD.seed);

let sim: GcpSimulator;
let c: ReturnType<typeof clients>;
beforeAll(async () => {
  sim = await startGcpSimulator(WORLD);
  c = clients(sim);
});
afterAll(async () => {
  await c.close();
  await sim.close();
});

/** The async iterators page by themselves; saying so keeps gax from warning that it ignores autoPaginate. */
const MANUAL = { autoPaginate: false };

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

const bucketFacts = (b: {
  name?: string | null;
  retentionDays?: number | null;
  locked?: boolean | null;
  lifecycleState?: unknown;
}) => ({
  name: b.name,
  retentionDays: b.retentionDays,
  locked: b.locked,
  lifecycleState: b.lifecycleState,
});

describe('ConfigServiceV2 through @google-cloud/logging’s v2 clients', () => {
  it.each(['nw-central', 'nw-prod', 'nw-dev'])(
    'auto-pages the buckets of projects/%s, _Required and _Default included',
    async (id) => {
      const before = sim.accounting.total({ endpoint: 'ConfigServiceV2.ListBuckets' });
      const buckets = await collect(
        c.config.listBucketsAsync({ parent: `projects/${id}/locations/-`, pageSize: 2 }, MANUAL),
      );
      const truth = northwind.find(`projects/${id}`)!.buckets;
      expect(buckets.map(bucketFacts)).toEqual(truth.map(bucketFacts));
      expect(sim.accounting.total({ endpoint: 'ConfigServiceV2.ListBuckets' }) - before).toBe(
        Math.ceil(truth.length / 2),
      );
      const [all] = await c.config.listBuckets({ parent: `projects/${id}/locations/-` });
      expect(all.map(bucketFacts)).toEqual(truth.map(bucketFacts));
      const byId = Object.fromEntries(buckets.map((b) => [b.name!.split('/').pop(), b]));
      expect(byId._Required).toMatchObject({ retentionDays: 400, locked: true, lifecycleState: 'ACTIVE' });
      expect(byId._Default).toMatchObject({ retentionDays: id === 'nw-dev' ? 60 : 30, locked: false });
    },
  );

  it('lists one location only when asked, and the organization’s own buckets', async () => {
    const [eu] = await c.config.listBuckets({ parent: 'projects/nw-central/locations/europe-west1' });
    expect(eu.map((b) => b.name)).toEqual(['projects/nw-central/locations/europe-west1/buckets/eu-archive']);
    const buckets = await collect(
      c.config.listBucketsAsync({ parent: 'organizations/123456789/locations/-', pageSize: 1 }, MANUAL),
    );
    expect(buckets.map((b) => b.name)).toEqual([
      'organizations/123456789/locations/global/buckets/_Default',
      'organizations/123456789/locations/global/buckets/_Required',
    ]);
  });

  it('auto-pages sinks of a project and of the organization, aggregated sinks with includeChildren', async () => {
    const [projectSinks] = await c.config.listSinks({ parent: 'projects/nw-central' });
    expect(projectSinks.map((s) => s.name)).toEqual([
      '_Default',
      '_Required',
      ...Array.from({ length: 7 }, (_, i) => `export-${i}`),
    ]);
    const [firstPage, next, response] = await c.config.listSinks(
      { parent: 'projects/nw-central', pageSize: 4 },
      { autoPaginate: false },
    );
    expect([firstPage.length, next?.pageToken, next?.pageToken === response?.nextPageToken]).toEqual([
      4,
      expect.any(String),
      true,
    ]);
    const paged = await collect(c.config.listSinksAsync({ parent: 'projects/nw-central', pageSize: 4 }, MANUAL));
    expect(paged.map((s) => s.name)).toEqual(projectSinks.map((s) => s.name));
    expect(projectSinks[2]).toMatchObject({
      destination: 'storage.googleapis.com/export-0-archive',
      includeChildren: false,
    });
    expect(projectSinks[2]!.writerIdentity).toMatch(
      /^serviceAccount:service-\d+@gcp-sa-logging\.iam\.gserviceaccount\.com$/,
    );
    const orgSinks = await collect(c.config.listSinksAsync({ parent: 'organizations/123456789', pageSize: 1 }, MANUAL));
    expect(orgSinks.filter((s) => s.includeChildren).map((s) => s.name)).toEqual(['org-audit', 'org-all']);
  });

  it('works through the high-level Logging class too', async () => {
    const logging = new Logging(clientOptions(sim, 'nw-central'));
    const [sinks] = await logging.getSinks();
    expect(sinks.map((s) => s.name)).toContain('export-6');
  });

  it('answers NOT_FOUND (5) for unknown parents, folders included, and INVALID_ARGUMENT (3) for bad ones', async () => {
    await expect(c.config.listSinks({ parent: 'projects/nope' })).rejects.toMatchObject({ code: 5 });
    await expect(c.config.listBuckets({ parent: 'folders/42/locations/-' })).rejects.toMatchObject({ code: 5 });
    await expect(c.config.listSinks({ parent: 'folders/42' })).rejects.toMatchObject({ code: 5 });
    await expect(c.config.listBuckets({ parent: 'projects/nw-prod' })).rejects.toMatchObject({ code: 3 });
    await expect(c.config.listSinks({ parent: 'projects/nw-prod', pageToken: 'bogus' })).rejects.toMatchObject({
      code: 3,
    });
  });
});

describe('Resource Manager v3', () => {
  it('returns audit configs per the world’s data-access setting, by project id or number', async () => {
    const [all] = await c.projects.getIamPolicy({
      resource: 'projects/nw-prod',
      options: { requestedPolicyVersion: 3 },
    });
    expect(all.auditConfigs).toEqual([
      {
        service: 'allServices',
        auditLogConfigs: [
          { logType: 'ADMIN_READ', exemptedMembers: [] },
          { logType: 'DATA_READ', exemptedMembers: ['user:break-glass@northwind.example'] },
          { logType: 'DATA_WRITE', exemptedMembers: ['user:break-glass@northwind.example'] },
        ],
      },
    ]);
    const number = northwind.find('projects/nw-web')!.project!.projectNumber;
    const [partial] = await c.projects.getIamPolicy({ resource: `projects/${number}` });
    expect(partial.auditConfigs?.map((a) => a.service)).toEqual(['storage.googleapis.com', 'cloudsql.googleapis.com']);
    const [none] = await c.projects.getIamPolicy({ resource: 'projects/nw-dev' });
    expect(none.auditConfigs).toEqual([]);
    const [org] = await c.organizations.getIamPolicy({ resource: 'organizations/123456789' });
    expect(org.bindings?.map((b) => b.role)).toContain('roles/logging.viewer');
  });

  it('gets and lists projects under the organization, paging', async () => {
    const [project] = await c.projects.getProject({ name: 'projects/nw-prod' });
    expect(project).toMatchObject({ projectId: 'nw-prod', parent: 'organizations/123456789', state: 'ACTIVE' });
    expect(project.name).toMatch(/^projects\/\d{12}$/);
    const projects = await collect(
      c.projects.listProjectsAsync({ parent: 'organizations/123456789', pageSize: 3 }, MANUAL),
    );
    expect(projects.map((p) => p.projectId)).toEqual(['nw-central', 'nw-prod', 'nw-web', 'nw-dev']);
  });

  it('never confirms what does not exist: PERMISSION_DENIED (7) with IAM’s ErrorInfo', async () => {
    const failure = await c.folders.getIamPolicy({ resource: 'folders/42' }).catch((e: unknown) => e);
    expect(failure).toMatchObject({
      code: 7,
      reason: 'IAM_PERMISSION_DENIED',
      domain: 'iam.googleapis.com',
      errorInfoMetadata: { permission: 'resourcemanager.folders.getIamPolicy' },
    });
    await expect(c.projects.getIamPolicy({ resource: 'projects/ghost' })).rejects.toMatchObject({ code: 7 });
  });

  it('counts each tenant’s requests apart', async () => {
    await c.projects.getIamPolicy({ resource: 'projects/ts-prod' });
    expect(sim.accounting.total({ tenant: 'tailspin', endpoint: 'Projects.GetIamPolicy' })).toBe(1);
    expect(sim.accounting.total({ tenant: 'northwind' })).toBeGreaterThan(10);
  });
});
