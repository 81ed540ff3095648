import { GraphError } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scenario } from '../scenario/schema.ts';
import { type GraphSimulator, startGraphSimulator } from './server.ts';
import { GraphBodyChecker } from './testing/graph-bodies.ts';
import { fetchToken, graphClient, type RecordedResponse, RetryHandlerOptions } from './testing/graph-client.ts';
import { identityBudget, RealThrottles } from './throttling.ts';
import { entraDirectory } from './world/directory.ts';

describe('RealThrottles', () => {
  let t = 0;
  const throttles = new RealThrottles(1, () => t);

  it('lets 5 report requests through per 10 s and names the wait', () => {
    t = 0;
    for (let i = 0; i < 5; i++) expect(throttles.admit('a', 'reports', 1, 10).admitted).toBe(true);
    t = 4_000;
    const refused = throttles.admit('a', 'reports', 1, 10);
    expect(refused).toMatchObject({ admitted: false, reason: 'real:reports-5-per-10s', retryAfterMs: 6_000 });
    expect(throttles.retryAfterHeader(refused.retryAfterMs!)).toBe('6');
    expect(throttles.admit('b', 'reports', 1, 10).admitted).toBe(true);
    t = 10_000;
    expect(throttles.admit('a', 'reports', 1, 10).admitted).toBe(true);
  });

  it('lets one conditional-access request through per second, without a wait', () => {
    t = 100_000;
    expect(throttles.admit('a', 'conditionalAccess', 1, 10).admitted).toBe(true);
    t = 100_900;
    expect(throttles.admit('a', 'conditionalAccess', 1, 10)).toMatchObject({
      admitted: false,
      retryAfterMs: null,
      reason: 'real:ca-1-per-s',
    });
    t = 101_001;
    expect(throttles.admit('a', 'conditionalAccess', 1, 10).admitted).toBe(true);
  });

  it('spends and refills the identity resource units by tenant size', () => {
    expect([identityBudget(49), identityBudget(50), identityBudget(500), identityBudget(501)]).toEqual([
      3_500, 5_000, 5_000, 8_000,
    ]);
    t = 200_000;
    let verdict = throttles.admit('c', 'identity', 5, 10);
    expect(verdict.headers).toEqual({ 'x-ms-resource-unit': '5' });
    for (let i = 1; i < 700; i++) verdict = throttles.admit('c', 'identity', 5, 10);
    expect(verdict.headers['x-ms-throttle-limit-percentage']).toBe('100.0');
    const refused = throttles.admit('c', 'identity', 5, 10);
    expect(refused).toMatchObject({ admitted: false, reason: 'real:identity-resource-units' });
    expect(refused.retryAfterMs).toBeCloseTo((5 / 3_500) * 10_000, 6);
    expect(refused.headers['x-ms-throttle-information']).toBe('ResourceUnitLimitExceeded');
    t += 10_000;
    expect(throttles.admit('c', 'identity', 5, 10).admitted).toBe(true);
  });

  it('scales its windows and sends fractional Retry-After when scaled', () => {
    const scaled = new RealThrottles(0.01, () => t);
    t = 300_000;
    for (let i = 0; i < 5; i++) scaled.admit('a', 'reports', 1, 10);
    const refused = scaled.admit('a', 'reports', 1, 10);
    expect(refused.retryAfterMs).toBe(100);
    expect(scaled.retryAfterHeader(refused.retryAfterMs!)).toBe('0.1');
  });
});

describe('real throttles through the SDK', () => {
  const world = scenario.parse({
    seed: 3,
    tenants: [
      { name: 'reports', entra: { tenantId: 'reports', users: 30 } },
      { name: 'scaled', entra: { tenantId: 'scaled', users: 30 } },
      { name: 'ca', entra: { tenantId: 'ca', users: 30 } },
      { name: 'small', entra: { tenantId: 'small', users: 30, conditionalAccess: ['nested_groups'] } },
      { name: 'off', entra: { tenantId: 'off', users: 30 }, faults: { graph: { realThrottles: false } } },
    ],
  });
  let sim: GraphSimulator;
  let scaledSim: GraphSimulator;
  const seen: RecordedResponse[] = [];
  const checker = new GraphBodyChecker();
  const check = (also?: (r: RecordedResponse) => void) => (r: RecordedResponse) => {
    checker.check(r);
    also?.(r);
  };

  beforeAll(async () => {
    [sim, scaledSim] = await Promise.all([
      startGraphSimulator(world),
      startGraphSimulator(world, { throttleScale: 0.02 }),
    ]);
  });
  afterAll(() => Promise.all([sim.close(), scaledSim.close()]));

  const report = '/reports/authenticationMethods/userRegistrationDetails';

  it('answers the sixth report request in 10 s with 429, TooManyRequests and Retry-After in seconds', async () => {
    const c = graphClient(sim, await fetchToken(sim, 'reports'), {
      retry: new RetryHandlerOptions(0, 0),
      onResponse: check((r) => seen.push(r)),
    });
    for (let i = 0; i < 5; i++) await c.api(report).top(1).get();
    const e = (await c
      .api(report)
      .top(1)
      .get()
      .catch((err: unknown) => err)) as GraphError;
    expect(e).toBeInstanceOf(GraphError);
    expect([e.statusCode, e.code]).toEqual([429, 'TooManyRequests']);
    const retryAfter = Number(e.headers?.get('retry-after'));
    expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 10).toBe(true);
    expect(sim.accounting.snapshot().throttles).toEqual([
      expect.objectContaining({
        tenant: 'reports',
        endpoint: `/v1.0${report}`,
        reason: 'real:reports-5-per-10s',
        retryAfterSeconds: retryAfter,
      }),
    ]);
  });

  it('is honoured by the SDK RetryHandler, which waits Retry-After and succeeds', async () => {
    const statuses: number[] = [];
    const c = graphClient(scaledSim, await fetchToken(scaledSim, 'scaled'), {
      retry: new RetryHandlerOptions(0, 10),
      onResponse: check((r) => statuses.push(r.status)),
    });
    const started = performance.now();
    for (let i = 0; i < 8; i++) expect((await c.api(report).top(1).get()).value).toHaveLength(1);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(8);
    expect(performance.now() - started).toBeGreaterThanOrEqual(150);
    const throttles = scaledSim.accounting.snapshot().throttles.filter((t) => t.tenant === 'scaled');
    expect(throttles.length).toBe(statuses.filter((s) => s === 429).length);
    for (const t of throttles) expect(t.retryAfterSeconds).toBeLessThanOrEqual(0.2);
  });

  it('answers a second conditional-access request within a second with 429 and no Retry-After; the SDK backs off and retries', async () => {
    const token = await fetchToken(sim, 'ca');
    const bare = graphClient(sim, token, { retry: new RetryHandlerOptions(0, 0), onResponse: check() });
    await bare.api('/identity/conditionalAccess/policies').get();
    const e = (await bare
      .api('/identity/conditionalAccess/policies')
      .get()
      .catch((err: unknown) => err)) as GraphError;
    expect([e.statusCode, e.code, e.headers?.get('retry-after')]).toEqual([429, 'TooManyRequests', null]);
    const statuses: number[] = [];
    const retrying = graphClient(sim, token, {
      retry: new RetryHandlerOptions(1, 3),
      onResponse: check((r) => statuses.push(r.status)),
    });
    expect((await retrying.api('/identity/conditionalAccess/policies').get()).value).toHaveLength(2);
    expect(statuses.at(-1)).toBe(200);
    const reasons = sim.accounting
      .snapshot()
      .throttles.filter((t) => t.tenant === 'ca')
      .map((t) => [t.reason, t.retryAfterSeconds]);
    expect(reasons[0]).toEqual(['real:ca-1-per-s', null]);
  }, 20_000);

  it('spends identity resource units (transitiveMembers costs 5) and refuses with Retry-After when they run out', async () => {
    // Windows of 10,000 s: the refill is negligible, so the 3,500 units of a small tenant run out at any request rate.
    const slow = await startGraphSimulator(world, { throttleScale: 1000 });
    try {
      const c = graphClient(slow, await fetchToken(slow, 'small'), {
        retry: new RetryHandlerOptions(0, 0),
        onResponse: check(),
      });
      const kiosks = entraDirectory(world.tenants[3]!.entra!, world.seed, new Date()).groups.find(
        (g) => g.key === 'kiosks',
      )!;
      const outcomes: (number | 'ok')[] = [];
      const started = performance.now();
      for (let batch = 0; batch < 20 && !outcomes.includes(429); batch++)
        outcomes.push(
          ...(await Promise.all(
            Array.from({ length: 40 }, () =>
              c
                .api(`/groups/${kiosks.id}/transitiveMembers`)
                .get()
                .then(
                  () => 'ok' as const,
                  (e: GraphError) => e.statusCode,
                ),
            ),
          )),
        );
      const seconds = (performance.now() - started) / 1000;
      const served = outcomes.filter((o) => o === 'ok').length;
      expect(served).toBeGreaterThanOrEqual(700);
      expect(served).toBeLessThanOrEqual(700 + Math.ceil((seconds * 0.35) / 5));
      const throttle = slow.accounting.snapshot().throttles.find((t) => t.tenant === 'small')!;
      expect(throttle).toMatchObject({
        reason: 'real:identity-resource-units',
        endpoint: '/v1.0/groups/{id}/transitiveMembers',
      });
      expect(throttle.retryAfterSeconds).toBeGreaterThan(0);
    } finally {
      await slow.close();
    }
  }, 30_000);

  it('applies none of it to a tenant whose fault spec turns real throttles off', async () => {
    const c = graphClient(sim, await fetchToken(sim, 'off'), {
      retry: new RetryHandlerOptions(0, 0),
      onResponse: check(),
    });
    for (let i = 0; i < 12; i++) await c.api(report).top(1).get();
    expect(sim.accounting.snapshot().throttles.filter((t) => t.tenant === 'off')).toEqual([]);
    expect(sim.accounting.total({ tenant: 'off', endpoint: `/v1.0${report}` })).toBe(12);
  });

  it('sent bodies of the right shape, 429s included', () => {
    expect(checker.problems).toEqual([]);
    expect(checker.checked.get('error')).toBeGreaterThanOrEqual(3);
    expect(checker.checked.get('userRegistrationDetails')).toBeGreaterThanOrEqual(13);
    expect(checker.checked.get('directoryObject')).toBeGreaterThanOrEqual(700);
  });
});
