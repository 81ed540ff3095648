import { combinePresets, type FaultSpec, preset, scenario } from '@evident/simulators';
import { type GcpSimulator, startGcpSimulator } from '@evident/simulators/gcp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AT_NOW, collect, expectHonest, FAST, logSourceOf, type Run } from './contract.fixture.ts';

const sc = preset('healthy');
const TENANT = 'northwind';
const world = sc.tenants[0]!.gcp!;
// Projects only: the organization is still read, as their ancestor, without listing what is under it.
const RESOURCES = world.projects.map((p) => `projects/${p.projectId}`);

let sim: GcpSimulator;
let baseline: Run;
beforeAll(async () => {
  sim = await startGcpSimulator(sc, AT_NOW);
  baseline = await collect(sim, RESOURCES);
  expect(baseline.gaps).toEqual([]);
});
afterAll(() => sim.close());
beforeEach(() => {
  sim.faults.set(TENANT, {});
  sim.accounting.reset();
});

const served = () => sim.accounting.snapshot().requests.reduce((n, r) => n + r.served, 0);
const made = () => sim.accounting.total({ tenant: TENANT });
/** Faults count requests per tenant from the simulator's start; this makes "after n more requests" absolute. */
const later = (n: number) => sim.faults.requestCount(TENANT) + n;

describe('transient faults leave the facts as they are', () => {
  it.each<[string, Partial<FaultSpec>, Partial<typeof FAST>?]>([
    ['latency', { latencyMs: 25, jitterMs: 10 }],
    ['5xx (UNAVAILABLE)', { serverErrorShare: 0.4 }],
    ['connection reset', { resetShare: 0.4 }],
    ['truncated body (INTERNAL)', { truncateShare: 0.4 }],
    ['timeout (no answer)', { timeoutShare: 0.3 }, { timeoutMs: 250, sdkRetryBudgetMs: 1_500 }],
  ])('%s', async (_, faults, tuning = {}) => {
    sim.faults.set(TENANT, faults);
    const run = await collect(sim, RESOURCES, { ...FAST, attempts: 10, ...tuning });
    expect(run.gaps).toEqual([]);
    expect(run.facts).toEqual(baseline.facts);
    if (!faults.latencyMs) expect(made()).toBeGreaterThan(served());
  });

  it('throttling: each RESOURCE_EXHAUSTED is waited out and counted as a wait', async () => {
    sim.faults.set(TENANT, { throttleShare: 0.4 });
    const run = await collect(sim, RESOURCES, { ...FAST, attempts: 10 });
    expect(run.gaps).toEqual([]);
    expect(run.facts).toEqual(baseline.facts);
    const throttles = sim.accounting.snapshot().throttles;
    expect(throttles.length).toBeGreaterThan(0);
    expect(run.progress?.throttleWaits).toBe(throttles.length);
  });

  it('the SDK retries what it retries on its own: sinks survive 5xx with no retry of ours', async () => {
    // Twelve projects, so that both kinds of list meet the fault many times over.
    const ids = Array.from({ length: 12 }, (_, i) => `wide-${i + 1}`);
    const wide = await startGcpSimulator(
      scenario.parse({ tenants: [{ name: 'wide', gcp: { projects: ids.map((projectId) => ({ projectId })) } }] }),
    );
    try {
      wide.faults.set('wide', { serverErrorShare: 0.5 });
      const run = await collect(
        wide,
        ids.map((id) => `projects/${id}`),
        { ...FAST, attempts: 1 },
      );
      const sinks = wide.accounting.snapshot().requests.find((r) => r.endpoint === 'ConfigServiceV2.ListSinks')!;
      expect(sinks.requests).toBeGreaterThan(sinks.served);
      // ListBuckets is not idempotent for gax, so only our own retry (off here) could have saved it.
      expect(run.gaps.length).toBeGreaterThan(0);
      for (const gap of run.gaps) {
        expect(gap).toMatchObject({
          code: 'provider_error',
          source: expect.stringMatching(/^ConfigServiceV2\.ListBuckets /),
        });
      }
    } finally {
      await wide.close();
    }
  });
});

describe('the real per-minute quota', () => {
  it('is waited out until the next minute, and counted', async () => {
    const started = Date.now();
    // A clock 1,200 times fast: a quota minute lasts 50 ms.
    const quick = await startGcpSimulator(sc, {
      ...AT_NOW,
      now: () => started + (Date.now() - started) * 1_200,
      quotas: { loggingControlRequestsPerMinute: 3, resourceManagerReadsPerMinute: 3 },
    });
    try {
      const run = await collect(quick, RESOURCES, { ...FAST, attempts: 12, maxDelayMs: 60 });
      expect(run.gaps).toEqual([]);
      expect(run.facts).toEqual(baseline.facts);
      const throttles = quick.accounting.snapshot().throttles;
      expect(throttles.some((t) => t.reason.startsWith('real:'))).toBe(true);
      expect(run.progress?.throttleWaits).toBe(throttles.length);
    } finally {
      await quick.close();
    }
  });
});

describe('failures that stay', () => {
  it('token expiry mid-run: auth_failed gaps, no further calls, and no fact that is not true', async () => {
    sim.faults.set(TENANT, { tokenExpiresAfter: later(5) });
    const run = await collect(sim, RESOURCES);
    expect(run.gaps.length).toBeGreaterThan(0);
    for (const gap of run.gaps) expect(gap.code).toBe('auth_failed');
    expect(run.gaps[0]!.remedy).toMatch(/credentials/);
    // Five answered, then only the calls already in flight when the first refusal came back (limiter: 4 at once).
    expect(made()).toBeLessThanOrEqual(5 + 4);
    expectHonest(run, baseline.facts);
  });

  it('a permission revoked mid-run: permission_missing gaps naming it, and what it hid is unknown', async () => {
    sim.faults.set(TENANT, { revokePermission: { after: later(6), permission: 'logging.buckets.list' } });
    const run = await collect(sim, RESOURCES);
    expect(run.gaps.length).toBe(RESOURCES.length);
    for (const gap of run.gaps) {
      expect(gap).toMatchObject({ code: 'permission_missing', permission: 'logging.buckets.list' });
      expect(gap.source).toMatch(/^ConfigServiceV2\.ListBuckets /);
      expect(gap.message).toContain('logging.buckets.list');
      expect(gap.remedy).toContain('Grant logging.buckets.list');
    }
    for (const scope of RESOURCES) {
      expect(logSourceOf(run, scope, 'data_access').nativeRetentionDays).toBe('unknown');
      expect(logSourceOf(run, scope, 'admin_audit').destinations[0]?.retentionDays).toBe('unknown');
    }
    expect(run.gaps.flatMap((g) => g.covers)).toContain('logSource.admin_audit');
    expect(run.progress).toMatchObject({ gaps: run.gaps.length, facts: run.facts.length });
    expectHonest(run, baseline.facts);
  });

  it('IAM policies unreadable: Data Access is unknown, never off', async () => {
    sim.faults.set(TENANT, {
      revokePermission: { after: later(0), permission: 'resourcemanager.projects.getIamPolicy' },
    });
    const run = await collect(sim, RESOURCES);
    expect(run.gaps.map((g) => g.permission)).toEqual(Array(3).fill('resourcemanager.projects.getIamPolicy'));
    for (const gap of run.gaps) expect(gap.covers).toEqual(['logSource.data_access', 'setting.gcp.data_access_audit']);
    const settings = run.facts.filter((f) => f.type === 'setting');
    expect(settings.map((s) => s.value)).toEqual([null, null, null]);
    expect(logSourceOf(run, RESOURCES[0]!, 'data_access').enabled).toBe('unknown');
    expectHonest(run, baseline.facts);
  });
});

describe('one resource failing', () => {
  let both: GcpSimulator;
  beforeAll(async () => {
    both = await startGcpSimulator(combinePresets(['healthy', 'short-retention']), AT_NOW);
  });
  afterAll(() => both.close());

  it('leaves the facts of the other resources intact', async () => {
    both.faults.set('tailspin', { revokePermission: { after: 0, permission: 'logging.sinks.list' } });
    const run = await collect(both, [...RESOURCES, 'projects/tailspin-prod']);
    expect(run.facts.filter((f) => f.scope !== 'projects/tailspin-prod')).toEqual(baseline.facts);
    expect(run.facts.filter((f) => f.type === 'logSource' && f.scope === 'projects/tailspin-prod')).toEqual([]);
    expect(run.gaps).toEqual([
      expect.objectContaining({
        code: 'permission_missing',
        permission: 'logging.sinks.list',
        covers: ['logSource'],
        source: 'ConfigServiceV2.ListSinks projects/tailspin-prod',
      }),
    ]);
  });

  it('names a resource that does not exist, and asks for it once', async () => {
    both.accounting.reset();
    const run = await collect(both, [...RESOURCES, 'projects/ghost-project']);
    expect(run.facts.filter((f) => !f.scope.includes('ghost'))).toEqual(baseline.facts);
    const notFound = run.gaps.filter((g) => g.code === 'provider_error');
    expect(notFound.map((g) => g.source)).toEqual([
      'ConfigServiceV2.ListSinks projects/ghost-project',
      'ConfigServiceV2.ListExclusions projects/ghost-project',
      'ConfigServiceV2.ListBuckets projects/ghost-project/locations/-',
    ]);
    for (const gap of notFound) expect(gap.message).toMatch(/^projects\/ghost-project was not found/);
    // Resource Manager never confirms that something does not exist: it refuses.
    expect(run.gaps.filter((g) => g.code === 'permission_missing').map((g) => g.permission)).toEqual([
      'resourcemanager.projects.get',
      'resourcemanager.projects.getIamPolicy',
    ]);
    expect(both.accounting.total({ tenant: '(unknown)', endpoint: 'ConfigServiceV2.ListSinks' })).toBe(1);
  });
});
