import { fact, type LogDestination, type LogSourceFact, type SettingFact } from '@evident/core';
import { type GcpWorld, preset, scenario } from '@evident/simulators';
import { type GcpResource, type GcpSimulator, gcpWorldView, startGcpSimulator } from '@evident/simulators/gcp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AT_NOW, collect, FAST, logSourceOf, NOW } from './contract.fixture.ts';

/** The facts a world should yield, worked out from the simulator's own view of it (not from the connector's code). */
type Truth = Omit<LogSourceFact, 'source'> | Omit<SettingFact, 'source'>;

function truthOfHealthy(world: GcpWorld, seed: number): Truth[] {
  const view = gcpWorldView(world, seed, NOW.getTime());
  const [orgSink] = world.organizationSinks;
  const archive = view
    .find(`projects/${world.projects[0]!.projectId}`)!
    .buckets.find((b) => b.name.endsWith('/audit-archive'))!;
  const observed = { connection: 'gcp-test', provider: 'gcp-logging' as const, observedAt: '2026-11-28T12:00:00.000Z' };
  const facts: Truth[] = [];
  const scopes = [
    ...world.projects.map((p) => ({
      scope: `projects/${p.projectId}`,
      dataAccess: p.dataAccess,
      exempt: p.dataAccessExemptions,
    })),
    { scope: `organizations/${world.organizationId}`, dataAccess: 'none' as const, exempt: [] },
  ];
  for (const { scope, dataAccess, exempt } of scopes) {
    const buckets = view.find(scope)!.buckets;
    const own = (id: string) => buckets.find((b) => b.name.endsWith(`/buckets/${id}`))!;
    const destinations: LogDestination[] = [
      {
        kind: 'log_bucket',
        name: orgSink!.destination,
        boundary: orgSink!.destination.includes(`/${scope}/`) ? 'same_admin_domain' : 'separate',
        retentionDays: archive.retentionDays,
        locked: archive.locked,
      },
    ];
    const log = (
      category: LogSourceFact['category'],
      id: string,
      native: { retentionDays: number; locked: boolean },
    ) => ({
      type: 'logSource' as const,
      ...observed,
      subject: `${scope}/logs/cloudaudit.googleapis.com%2F${id}`,
      scope,
      category,
      important: category === 'admin_audit',
      enabled: category === 'data_access' ? dataAccess === 'all' : true,
      nativeRetentionDays: native.retentionDays,
      locked: native.locked,
      destinations,
      exemptions: category === 'data_access' ? exempt : [],
      lastEventAt: newestOf(view.find(scope)!.entries, `${scope}/logs/cloudaudit.googleapis.com%2F${id}`, category),
    });
    facts.push(log('admin_audit', 'activity', own('_Required')), log('data_access', 'data_access', own('_Default')));
    facts.push(log('system_event', 'system_event', own('_Required')));
    facts.push({ type: 'setting', ...observed, subject: 'gcp.data_access_audit', scope, value: dataAccess });
  }
  return facts;
}

/** The newest entry of a log in the world; none is a fact only for the logs `_Required` keeps. */
function newestOf(entries: GcpResource['entries'], logName: string, category: LogSourceFact['category']) {
  const times = entries.filter((e) => e.logName === logName).map((e) => e.timestamp.seconds * 1000);
  if (times.length === 0) return category === 'data_access' ? ('unknown' as const) : null;
  return new Date(Math.max(...times)).toISOString();
}

const withoutSource = ({ source: _, ...rest }: LogSourceFact | SettingFact) => rest;

describe('the healthy preset', () => {
  const sc = preset('healthy');
  const world = sc.tenants[0]!.gcp!;
  const view = gcpWorldView(world, sc.seed);
  const org = `organizations/${world.organizationId}`;
  const projects = world.projects.map((p) => `projects/${p.projectId}`);
  let sim: GcpSimulator;
  beforeAll(async () => {
    sim = await startGcpSimulator(sc, AT_NOW);
  });
  afterAll(() => sim.close());

  it('yields the facts its world implies for the organization and every project in it, through the SDK’s paging', async () => {
    const run = await collect(sim, [org], { ...FAST, pageSize: 1 });
    expect(run.gaps).toEqual([]);
    const truth = truthOfHealthy(world, sc.seed);
    expect(run.facts.map(withoutSource)).toEqual(expect.arrayContaining(truth));
    expect(run.facts).toHaveLength(truth.length);
    for (const f of run.facts) expect(fact.parse(f)).toEqual(f);

    const count = (endpoint: string) => sim.accounting.total({ endpoint, tenant: 'northwind' });
    const listed = [...projects, org].map((r) => view.find(r)!);
    // One item per page: the SDK followed every nextPageToken to the end of each list.
    expect(count('ConfigServiceV2.ListBuckets')).toBe(listed.reduce((n, r) => n + r.buckets.length, 0));
    expect(count('ConfigServiceV2.ListSinks')).toBe(listed.reduce((n, r) => n + r.sinks.length, 0));
    expect(count('ConfigServiceV2.ListExclusions')).toBe(listed.length);
    expect(count('Projects.ListProjects')).toBe(projects.length);
    // The listing told each project's parent; nothing was asked twice.
    expect(count('Projects.GetProject')).toBe(0);
    expect(count('Projects.GetIamPolicy')).toBe(projects.length);
    expect(count('Organizations.GetIamPolicy')).toBe(1);
    // One entry of each of the three audit logs, per resource reported on.
    expect(count('LoggingServiceV2.ListLogEntries')).toBe(listed.length * 3);
    expect(run.progress).toMatchObject({
      pages:
        count('ConfigServiceV2.ListBuckets') +
        count('ConfigServiceV2.ListSinks') +
        count('ConfigServiceV2.ListExclusions') +
        count('Projects.ListProjects') +
        count('Folders.ListFolders') +
        count('LoggingServiceV2.ListLogEntries'),
      facts: truth.length,
      gaps: 0,
      throttleWaits: 0,
    });
  });

  it('reports a project configured beside its organization once', async () => {
    const run = await collect(sim, [org, projects[1]!, `projects/${view.find(projects[2]!)!.project!.projectNumber}`]);
    expect(run.facts).toHaveLength(truthOfHealthy(world, sc.seed).length);
  });

  it('reads the organization’s aggregated sinks and audit configs for a project configured alone', async () => {
    sim.accounting.reset();
    const prod = projects[1]!;
    const run = await collect(sim, [prod]);
    expect(run.gaps).toEqual([]);
    expect(logSourceOf(run, prod, 'admin_audit').destinations).toHaveLength(1);
    expect(logSourceOf(run, prod, 'admin_audit').source).toContain(`ConfigServiceV2.ListSinks ${org}`);
    expect(sim.accounting.total({ endpoint: 'Organizations.GetIamPolicy' })).toBe(1);
    expect(sim.accounting.total({ endpoint: 'ConfigServiceV2.ListBuckets' })).toBe(2);
  });

  it('names a project configured by its number by its id, as its log names do', async () => {
    const prod = view.find(projects[1]!)!;
    const byNumber = await collect(sim, [`projects/${prod.project!.projectNumber}`]);
    const byId = await collect(sim, [projects[1]!]);
    expect(byNumber.gaps).toEqual([]);
    expect(byNumber.facts.map(withoutSource)).toEqual(byId.facts.map(withoutSource));
  });
});

describe('the short-retention preset', () => {
  const sc = preset('short-retention');
  const world = sc.tenants[0]!.gcp!;
  let sim: GcpSimulator;
  beforeAll(async () => {
    sim = await startGcpSimulator(sc, AT_NOW);
  });
  afterAll(() => sim.close());

  it('keeps logs only where Google keeps them by default, with nothing routed elsewhere', async () => {
    const resources = world.projects.map((p) => `projects/${p.projectId}`);
    const run = await collect(sim, resources);
    expect(run.gaps).toEqual([]);
    for (const [i, scope] of resources.entries()) {
      expect(logSourceOf(run, scope, 'admin_audit')).toMatchObject({
        nativeRetentionDays: 400,
        locked: true,
        destinations: [],
      });
      expect(logSourceOf(run, scope, 'data_access')).toMatchObject({
        enabled: false,
        nativeRetentionDays: world.projects[i]!.defaultRetentionDays,
        destinations: [],
      });
    }
    expect(run.facts.filter((f) => f.type === 'setting').map((f) => f.value)).toEqual(['none', 'none']);
    expect(sim.accounting.total({ endpoint: 'Organizations.GetIamPolicy' })).toBe(0);
  });
});

describe('routes of every kind', () => {
  const sc = scenario.parse({
    seed: 7,
    tenants: [
      {
        name: 'contoso',
        gcp: {
          organizationId: '900100',
          organizationSinks: [
            {
              name: 'activity-to-bq',
              destination: 'bigquery.googleapis.com/projects/ct-sec/datasets/audit',
              filter: 'logName:"cloudaudit.googleapis.com%2Factivity"',
              includeChildren: true,
            },
            { name: 'off', destination: 'storage.googleapis.com/ct-cold', includeChildren: true, disabled: true },
          ],
          projects: [
            { projectId: 'ct-sec', buckets: [{ id: 'keep', retentionDays: 730, locked: true }], dataAccess: 'partial' },
            {
              projectId: 'ct-app',
              dataAccess: 'all',
              dataAccessExemptions: ['serviceAccount:batch@ct-app.iam.gserviceaccount.com'],
              defaultRetentionDays: 90,
              sinks: [
                {
                  name: 'to-sec-bucket',
                  destination: 'logging.googleapis.com/projects/ct-sec/locations/global/buckets/keep',
                  filter: 'logName:"cloudaudit.googleapis.com"',
                },
                {
                  name: 'errors',
                  destination: 'pubsub.googleapis.com/projects/ct-sec/topics/alerts',
                  filter: 'severity>=ERROR',
                },
                {
                  name: 'gcs-archive',
                  destination: 'storage.googleapis.com/ct-archive',
                  filter: 'LOG_ID("cloudaudit.googleapis.com/data_access")',
                },
              ],
            },
          ],
        },
      },
    ],
  });
  const world = sc.tenants[0]!.gcp!;
  const keep = gcpWorldView(world, sc.seed)
    .find('projects/ct-sec')!
    .buckets.find((b) => b.name.endsWith('/keep'))!;
  let sim: GcpSimulator;
  beforeAll(async () => {
    sim = await startGcpSimulator(sc, AT_NOW);
  });
  afterAll(() => sim.close());

  const sorted = (d: LogDestination[]) => [...d].sort((a, b) => a.name.localeCompare(b.name));
  const toKeep = {
    kind: 'log_bucket',
    name: 'logging.googleapis.com/projects/ct-sec/locations/global/buckets/keep',
    boundary: 'separate',
    retentionDays: keep.retentionDays,
    locked: keep.locked,
  };

  it('follows each sink by its filter to its destination, skipping partial and disabled ones', async () => {
    const run = await collect(sim, ['projects/ct-app', 'projects/ct-sec']);
    expect(run.gaps).toEqual([]);
    const bq = {
      kind: 'bigquery',
      name: 'bigquery.googleapis.com/projects/ct-sec/datasets/audit',
      retentionDays: 'unknown',
      locked: 'unknown',
    };
    expect(sorted(logSourceOf(run, 'projects/ct-app', 'admin_audit').destinations)).toEqual([
      { ...bq, boundary: 'separate' },
      toKeep,
    ]);
    expect(sorted(logSourceOf(run, 'projects/ct-app', 'data_access').destinations)).toEqual([
      toKeep,
      {
        kind: 'storage',
        name: 'storage.googleapis.com/ct-archive',
        boundary: 'unknown',
        retentionDays: 'unknown',
        locked: 'unknown',
      },
    ]);
    expect(logSourceOf(run, 'projects/ct-app', 'system_event').destinations).toEqual([toKeep]);
    expect(logSourceOf(run, 'projects/ct-app', 'data_access')).toMatchObject({
      enabled: true,
      nativeRetentionDays: 90,
      exemptions: ['serviceAccount:batch@ct-app.iam.gserviceaccount.com'],
    });
    expect(logSourceOf(run, 'projects/ct-sec', 'admin_audit').destinations).toEqual([
      { ...bq, boundary: 'same_admin_domain' },
    ]);
    expect(logSourceOf(run, 'projects/ct-sec', 'data_access')).toMatchObject({ enabled: false, destinations: [] });
    expect(run.facts.find((f) => f.type === 'setting' && f.scope === 'projects/ct-sec')).toMatchObject({
      value: 'partial',
    });
  });

  it('lists the buckets of a destination project that is not configured, to read their retention', async () => {
    sim.accounting.reset();
    const run = await collect(sim, ['projects/ct-app']);
    expect(run.gaps).toEqual([]);
    expect(logSourceOf(run, 'projects/ct-app', 'system_event').destinations).toEqual([toKeep]);
    expect(sim.accounting.total({ endpoint: 'ConfigServiceV2.ListBuckets' })).toBe(2);
  });
});
