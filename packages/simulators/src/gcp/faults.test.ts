import { afterEach, describe, expect, it } from 'vitest';
import type { FaultSpec } from '../scenario/schema.ts';
import { clients } from './clients.fixture.ts';
import type { GcpQuotaOptions } from './quota.ts';
import { GCP_PERMISSIONS } from './rpcs.ts';
import { type GcpSimulator, startGcpSimulator } from './server.ts';

const BUCKETS = { parent: 'projects/p1/locations/-' };
let sim: GcpSimulator | undefined;
let c: ReturnType<typeof clients> | undefined;
afterEach(async () => {
  await c?.close();
  await sim?.close();
  [sim, c] = [undefined, undefined];
});

async function withFaults(faults: Partial<FaultSpec>, quotas: GcpQuotaOptions = {}, now?: () => number) {
  sim = await startGcpSimulator(
    {
      seed: 4,
      tenants: [{ name: 'acme', gcp: { projects: [{ projectId: 'p1', dataAccess: 'all' }] }, faults: { gcp: faults } }],
    },
    { quotas, ...(now ? { now } : {}) },
  );
  c = clients(sim);
  return { s: sim, c };
}

describe('GCP fault injection', () => {
  it('latency: answers no sooner than the configured delay', async () => {
    const { c } = await withFaults({ latencyMs: 120 });
    const started = performance.now();
    await c.config.listBuckets(BUCKETS);
    expect(performance.now() - started).toBeGreaterThanOrEqual(115);
  });

  it('throttle: RESOURCE_EXHAUSTED (8) with the quota ErrorInfo, recorded as a throttle decision', async () => {
    const { s, c } = await withFaults({ throttleShare: 1 });
    await expect(c.config.listBuckets(BUCKETS)).rejects.toMatchObject({
      code: 8,
      reason: 'RATE_LIMIT_EXCEEDED',
      errorInfoMetadata: { service: 'logging.googleapis.com' },
    });
    await expect(c.projects.getIamPolicy({ resource: 'projects/p1' })).rejects.toMatchObject({ code: 8 });
    expect(s.accounting.snapshot().throttles.map((t) => [t.endpoint, t.reason])).toEqual([
      ['ConfigServiceV2.ListBuckets', 'fault:throttle'],
      ['Projects.GetIamPolicy', 'fault:throttle'],
    ]);
  });

  it('server_error: UNAVAILABLE (14), which gax retries for ListSinks until it gets through', async () => {
    const { s, c } = await withFaults({ serverErrorShare: 1 });
    await expect(c.config.listBuckets(BUCKETS)).rejects.toMatchObject({ code: 14 });
    expect(s.accounting.total({ endpoint: 'ConfigServiceV2.ListBuckets' })).toBe(1);
    s.faults.set('acme', { serverErrorShare: 0.5 });
    for (let i = 0; i < 4; i++) await c.config.listSinks({ parent: 'projects/p1' });
    const sinks = s.accounting.snapshot().requests.find((r) => r.endpoint === 'ConfigServiceV2.ListSinks')!;
    expect(sinks.served).toBe(4);
    expect(sinks.requests).toBeGreaterThan(4);
  });

  it('timeout: never answers, the client sees DEADLINE_EXCEEDED (4), and close() still ends', async () => {
    const { s, c } = await withFaults({ timeoutShare: 1 });
    await expect(c.config.listBuckets(BUCKETS, { timeout: 200 })).rejects.toMatchObject({ code: 4 });
    const pending = c.config.listBuckets(BUCKETS).catch((e: unknown) => e);
    const deadline = Date.now() + 5_000;
    while (s.accounting.total() < 2 && Date.now() < deadline) await new Promise((r) => setImmediate(r));
    await s.close();
    expect(await pending).toMatchObject({ code: expect.any(Number) });
    sim = undefined;
  });

  it('reset, truncate and token_expired: UNAVAILABLE (14), INTERNAL (13), UNAUTHENTICATED (16)', async () => {
    const cases: [Partial<FaultSpec>, number][] = [
      [{ resetShare: 1 }, 14],
      [{ truncateShare: 1 }, 13],
      [{ tokenExpiresAfter: 1 }, 16],
    ];
    const { s, c } = await withFaults({});
    for (const [faults, code] of cases) {
      s.faults.set('acme', faults);
      if (faults.tokenExpiresAfter === undefined)
        await expect(c.config.listBuckets(BUCKETS)).rejects.toMatchObject({ code });
      else await expect(c.config.listBuckets(BUCKETS)).rejects.toMatchObject({ code, reason: 'ACCESS_TOKEN_EXPIRED' });
    }
  });

  it('revoked permission: PERMISSION_DENIED (7) naming it, on the calls that need it only', async () => {
    expect(GCP_PERMISSIONS['ConfigServiceV2.ListBuckets']).toBe('logging.buckets.list');
    const { c } = await withFaults({
      revokePermission: { after: 0, permission: GCP_PERMISSIONS['ConfigServiceV2.ListBuckets']! },
    });
    const failure = await c.config.listBuckets(BUCKETS).catch((e: unknown) => e);
    expect(failure).toMatchObject({
      code: 7,
      message: expect.stringContaining("Permission 'logging.buckets.list' denied on resource 'projects/p1'"),
      reason: 'IAM_PERMISSION_DENIED',
      errorInfoMetadata: { permission: 'logging.buckets.list', resource: 'projects/p1' },
    });
    const [sinks] = await c.config.listSinks({ parent: 'projects/p1' });
    expect(sinks.length).toBe(2);
  });

  it('real quota: the per-minute config-read quota answers RESOURCE_EXHAUSTED until the next minute', async () => {
    const clock = { now: Date.parse('2026-11-01T10:00:05Z') };
    const { s, c } = await withFaults({}, { loggingControlRequestsPerMinute: 3 }, () => clock.now);
    for (let i = 0; i < 3; i++) await c.config.listBuckets(BUCKETS);
    const failure = await c.config.listSinks({ parent: 'projects/p1' }, { retry: null }).catch((e: unknown) => e);
    expect(failure).toMatchObject({
      code: 8,
      message: expect.stringContaining("Quota exceeded for quota metric 'Control requests'"),
    });
    await c.projects.getIamPolicy({ resource: 'projects/p1' });
    clock.now += 60_000;
    await c.config.listBuckets(BUCKETS);
    expect(s.accounting.snapshot().throttles).toEqual([
      expect.objectContaining({
        endpoint: 'ConfigServiceV2.ListSinks',
        reason: 'real:ControlRequestsPerMinutePerProject',
        retryAfterSeconds: 55,
      }),
    ]);
  });
});
