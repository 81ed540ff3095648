import { GraphError } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaultSpec } from '../scenario/schema.ts';
import { scenario } from '../scenario/schema.ts';
import { type GraphSimulator, startGraphSimulator } from './server.ts';
import { GraphBodyChecker } from './testing/graph-bodies.ts';
import {
  fetchToken,
  graphClient,
  type RecordedResponse,
  RetryHandlerOptions,
  trustingAgent,
} from './testing/graph-client.ts';

const TENANTS = [
  'latency',
  'throttle',
  'server',
  'timeout',
  'reset',
  'truncate',
  'expiry',
  'revoked',
  'jitter',
] as const;
const world = scenario.parse({
  seed: 5,
  tenants: TENANTS.map((name) => ({ name, entra: { tenantId: name, users: 12 } })),
});

let sim: GraphSimulator;
const checker = new GraphBodyChecker();

beforeAll(async () => {
  sim = await startGraphSimulator(world, { throttleScale: 0.01 });
});
afterAll(() => sim.close());

async function clientFor(
  tenant: (typeof TENANTS)[number],
  spec: Partial<FaultSpec>,
  retries = 0,
  record?: (r: RecordedResponse) => void,
) {
  sim.faults.set(tenant, spec);
  return graphClient(sim, await fetchToken(sim, tenant), {
    retry: new RetryHandlerOptions(0, retries),
    onResponse: (r) => {
      checker.check(r);
      record?.(r);
    },
  });
}

async function failure(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error('expected the request to fail');
    },
    (e: unknown) => e,
  );
}

describe('fault injection through the SDK', () => {
  it('delays answers by the latency', async () => {
    const c = await clientFor('latency', { latencyMs: 200 });
    const started = performance.now();
    await c.api('/organization').get();
    expect(performance.now() - started).toBeGreaterThanOrEqual(195);
  });

  it('throttles with 429 and Retry-After; the SDK retries and finally gives up with a GraphError', async () => {
    const statuses: number[] = [];
    const c = await clientFor('throttle', { throttleShare: 1 }, 2, (r) => statuses.push(r.status));
    const e = (await failure(c.api('/organization').get())) as GraphError;
    expect([e.statusCode, e.code]).toEqual([429, 'TooManyRequests']);
    expect(e.headers?.get('retry-after')).toBe('0.01');
    expect(statuses).toEqual([429, 429, 429]);
    const throttles = sim.accounting.snapshot().throttles.filter((t) => t.tenant === 'throttle');
    expect(throttles.map((t) => t.reason)).toEqual(['fault:throttle', 'fault:throttle', 'fault:throttle']);
  });

  it('answers server errors with 503 or 504 and a Graph error body, retried by the SDK', async () => {
    const statuses: number[] = [];
    const c = await clientFor('server', { serverErrorShare: 1 }, 1, (r) => statuses.push(r.status));
    const e = (await failure(c.api('/organization').get())) as GraphError;
    expect([503, 504]).toContain(e.statusCode);
    expect(e.code).toBe(e.statusCode === 503 ? 'serviceNotAvailable' : 'UnknownError');
    expect(statuses).toHaveLength(2);
    const mixed = await clientFor('server', { serverErrorShare: 0.5 }, 0);
    const codes = new Set<number>();
    for (let i = 0; i < 16; i++)
      codes.add(
        await mixed
          .api('/organization')
          .get()
          .then(
            () => 200,
            (x: GraphError) => x.statusCode,
          ),
      );
    expect(codes).toEqual(new Set([200, 503, 504]));
  });

  it('holds a timed-out request until the client gives up, and still closes', async () => {
    const other = await startGraphSimulator(world);
    other.faults.set('timeout', { timeoutShare: 1 });
    const c = graphClient(other, await fetchToken(other, 'timeout'), {
      retry: new RetryHandlerOptions(0, 0),
      agent: trustingAgent(other, { headersTimeout: 300 }),
    });
    const started = performance.now();
    const e = await failure(c.api('/organization').get());
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    // The SDK flattens network failures into a GraphError without status: statusCode -1, code TypeError.
    expect(e).toMatchObject({ statusCode: -1, code: 'TypeError', message: 'fetch failed' });
    const pending = c
      .api('/organization')
      .get()
      .catch((x: unknown) => x);
    await new Promise((r) => setTimeout(r, 50));
    const closing = performance.now();
    await other.close();
    expect(performance.now() - closing).toBeLessThan(1_000);
    expect(await pending).toBeDefined();
    expect(other.accounting.snapshot().requests.find((r) => r.endpoint === '/v1.0/organization')).toMatchObject({
      served: 0,
    });
  });

  it('resets the connection without an answer', async () => {
    const seen: RecordedResponse[] = [];
    const c = await clientFor('reset', { resetShare: 1 }, 0, (r) => seen.push(r));
    const e = await failure(c.api('/organization').get());
    expect(e).toBeInstanceOf(GraphError);
    expect(e).toMatchObject({ statusCode: -1, code: 'TypeError', message: 'fetch failed' });
    expect(seen).toEqual([]);
    const counted = sim.accounting
      .snapshot()
      .requests.find((r) => r.tenant === 'reset' && r.endpoint === '/v1.0/organization');
    expect(counted).toMatchObject({ requests: 1, served: 0 });
  });

  it('truncates the body after valid headers: the SDK fails to parse it', async () => {
    const seen: RecordedResponse[] = [];
    const c = await clientFor('truncate', { truncateShare: 1 }, 0, (r) => seen.push(r));
    const e = (await failure(c.api('/organization').get())) as GraphError;
    expect(e).toBeInstanceOf(GraphError);
    expect(e.statusCode).toBe(200);
    expect(e.code).toBe('SyntaxError');
    expect(seen[0]!.status).toBe(200);
    expect(typeof seen[0]!.body).toBe('string');
    expect(String(seen[0]!.body).startsWith('{"@odata.context"')).toBe(true);
  });

  it('expires the token after the configured number of requests', async () => {
    const c = await clientFor('expiry', { tokenExpiresAfter: 2 });
    await c.api('/organization').get();
    await c.api('/subscribedSkus').get();
    const e = (await failure(c.api('/organization').get())) as GraphError;
    expect([e.statusCode, e.code, e.message]).toEqual([
      401,
      'InvalidAuthenticationToken',
      'Lifetime validation failed, the token is expired.',
    ]);
  });

  it('revokes a permission part-way: endpoints needing it answer 403 Authorization_RequestDenied', async () => {
    const c = await clientFor('revoked', { revokePermission: { after: 1, permission: 'Policy.Read.All' } });
    await c.api('/policies/identitySecurityDefaultsEnforcementPolicy').get();
    const e = (await failure(c.api('/policies/identitySecurityDefaultsEnforcementPolicy').get())) as GraphError;
    expect([e.statusCode, e.code]).toEqual([403, 'Authorization_RequestDenied']);
    expect((await c.api('/policies/authenticationMethodsPolicy').get()).id).toBe('authenticationMethodsPolicy');
    expect((await failure(c.api('/identity/conditionalAccess/policies').get())) as GraphError).toMatchObject({
      statusCode: 403,
    });
  });

  it('replays the same fate for the same request number', async () => {
    const outcomes = async () => {
      const replay = await startGraphSimulator(world);
      replay.faults.set('jitter', { serverErrorShare: 0.3, throttleShare: 0.2 });
      const c = graphClient(replay, await fetchToken(replay, 'jitter'), { retry: new RetryHandlerOptions(0, 0) });
      const out: number[] = [];
      for (let i = 0; i < 20; i++)
        out.push(
          await c
            .api('/organization')
            .get()
            .then(
              () => 200,
              (x: GraphError) => x.statusCode,
            ),
        );
      await replay.close();
      return out;
    };
    const first = await outcomes();
    expect(first.filter((s) => s !== 200).length).toBeGreaterThan(3);
    expect(await outcomes()).toEqual(first);
  });

  it('sent bodies of the right shape; only the truncated one would not parse', () => {
    expect(checker.problems).toEqual([]);
    expect(checker.unparsed).toBe(1);
    expect(checker.checked.get('error')).toBeGreaterThanOrEqual(8);
  });
});
