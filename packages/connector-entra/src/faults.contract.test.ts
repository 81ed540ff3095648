import { createLimiter, type RateLimiter } from '@evident/connector-kit';
import type { FaultSpec } from '@evident/simulators';
import { Agent, fetch } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { collect, type Run, scenarioOf, startWorld, type World } from './contract.fixture.ts';
import type { EntraTuning } from './tuning.ts';

const sc = scenarioOf('healthy');
let w: World;
let baseline: Run;
beforeAll(async () => {
  w = await startWorld(sc);
  baseline = await collect(w);
  expect(baseline.gaps).toEqual([]);
});
afterAll(() => w.close());
beforeEach(() => {
  w.graph.faults.set(w.tenant, {});
  w.sims.accounting.reset();
});

const refused = (world: World) =>
  world.sims.accounting
    .snapshot()
    .requests.filter((r) => r.tenant === world.tenant)
    .reduce((n, r) => n + r.requests - r.served, 0);
const throttles = (world: World) => world.sims.accounting.snapshot().throttles.filter((t) => t.tenant === world.tenant);

describe('transient faults are retried to the same facts', () => {
  it.each<[string, Partial<FaultSpec>, Partial<EntraTuning>?]>([
    ['latency', { latencyMs: 15, jitterMs: 10 }],
    ['5xx (503 and 504)', { serverErrorShare: 0.3 }],
    ['connection reset', { resetShare: 0.3 }],
    ['truncated body', { truncateShare: 0.3 }],
    ['timeout (never answered)', { timeoutShare: 0.15 }, { timeoutMs: 250 }],
  ])('%s', async (_, faults, tuning = {}) => {
    // Retries add requests; the real throttles they may then meet are the next describe's subject, not this one's.
    w.graph.faults.set(w.tenant, { realThrottles: false, ...faults });
    const run = await collect(w, { tuning: { attempts: 10, ...tuning } });
    expect(run.gaps).toEqual([]);
    expect(run.facts).toEqual(baseline.facts);
    if (faults.latencyMs) expect(refused(w)).toBe(0);
    else expect(refused(w)).toBeGreaterThan(0);
    expect(run.progress?.throttleWaits).toBe(0);
  });
});

describe('throttling is waited out, counted, and changes nothing', () => {
  it('429 with Retry-After, wherever it falls', async () => {
    w.graph.faults.set(w.tenant, { throttleShare: 0.3 });
    const run = await collect(w);
    expect(run.gaps).toEqual([]);
    expect(run.facts).toEqual(baseline.facts);
    expect(throttles(w).length).toBeGreaterThan(0);
    expect(run.progress?.throttleWaits).toBe(throttles(w).length);
    expect(run.progress?.waitedMs).toBeGreaterThan(0);
  });

  it('the real limits: reports 5 per 10 s (Retry-After) and conditional access 1 per s (none)', async () => {
    // Windows a tenth of the real ones: the reports window lasts 1 s, conditional access 100 ms.
    const slow = await startWorld(sc, 0.1);
    try {
      const run = await collect(slow, { ...primedAt(slow), tuning: { attempts: 2 } });
      expect(run.gaps).toEqual([]);
      expect(run.facts).toEqual(baseline.facts);
      const reasons = throttles(slow).map((t) => t.reason);
      expect(reasons).toContain('real:reports-5-per-10s');
      expect(reasons).toContain('real:ca-1-per-s');
      expect(throttles(slow).find((t) => t.reason === 'real:ca-1-per-s')?.retryAfterSeconds).toBeNull();
      expect(run.progress?.throttleWaits).toBe(throttles(slow).length);
    } finally {
      await slow.close();
    }
  });
});

/**
 * Fills both families' windows just before the connector's first call, so the reads it starts at once meet the
 * real limits: one conditional-access read for the policies, five report reads for the registration report.
 */
function primedAt(world: World): { init: { limiter: RateLimiter } } {
  const inner = createLimiter();
  const dispatcher = new Agent({ connect: { ca: world.config.endpoints.caCert } });
  const fills: [string, number][] = [
    ['/v1.0/auditLogs/directoryAudits?$top=1', 5],
    // Last: its window is the shorter one.
    ['/v1.0/identity/conditionalAccess/policies', 1],
  ];
  const fill = async () => {
    const authorization = `Bearer ${await tokenFor(world, dispatcher)}`;
    for (const [path, n] of fills)
      for (let i = 0; i < n; i++) {
        const res = await fetch(`${world.graph.url}${path}`, { headers: { authorization }, dispatcher });
        expect(res.status, path).toBe(200);
        await res.arrayBuffer();
      }
  };
  let primed: Promise<void> | undefined;
  return {
    init: {
      limiter: {
        async schedule(fn, signal) {
          primed ??= fill();
          await primed;
          return inner.schedule(fn, signal);
        },
      },
    },
  };
}

async function tokenFor(world: World, dispatcher: Agent): Promise<string> {
  const body = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: world.config.clientId,
    client_secret: world.secret.clientSecret,
    scope: 'https://graph.microsoft.com/.default',
  });
  const res = await fetch(`${world.graph.url}/${world.config.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    body,
    dispatcher,
  });
  return ((await res.json()) as { access_token: string }).access_token;
}
