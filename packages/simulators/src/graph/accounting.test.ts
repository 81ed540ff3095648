import { afterAll, beforeAll, expect, it } from 'vitest';
import { Accounting } from '../accounting.ts';
import { scenario } from '../scenario/schema.ts';
import { type GraphSimulator, startGraphSimulator } from './server.ts';
import { GraphBodyChecker } from './testing/graph-bodies.ts';
import { fetchToken, graphClient, RetryHandlerOptions } from './testing/graph-client.ts';

const world = scenario.parse({
  tenants: [
    { name: 'alpha', entra: { tenantId: 'alpha-tenant', users: 10 } },
    { name: 'beta', entra: { tenantId: 'beta-tenant', domain: 'beta.example', users: 10, licence: 'free' } },
  ],
});
const accounting = new Accounting();
let sim: GraphSimulator;

beforeAll(async () => {
  sim = await startGraphSimulator(world, { accounting });
});
afterAll(() => sim.close());

it('counts every request by tenant and endpoint, and records every throttle with its reason', async () => {
  const checker = new GraphBodyChecker();
  const options = { retry: new RetryHandlerOptions(0, 0), onResponse: checker.check };
  const alpha = graphClient(sim, await fetchToken(sim, 'alpha-tenant'), options);
  const beta = graphClient(sim, await fetchToken(sim, 'beta.example'), options);
  const settle = (p: Promise<unknown>) =>
    p.then(
      () => 'ok',
      () => 'failed',
    );
  const report = '/reports/authenticationMethods/userRegistrationDetails';
  for (let i = 0; i < 6; i++) await settle(alpha.api(report).get());
  for (let i = 0; i < 2; i++) await settle(alpha.api('/identity/conditionalAccess/policies').get());
  expect(await settle(beta.api(report).get())).toBe('failed');
  sim.faults.set('beta', { throttleShare: 1 });
  expect(await settle(beta.api('/organization').get())).toBe('failed');
  await settle(graphClient(sim, '', options).api('/users').get());

  const rows = accounting
    .snapshot()
    .requests.map((r) => `${r.simulator} ${r.tenant} ${r.endpoint} ${r.requests}/${r.served}`)
    .sort();
  expect(rows).toEqual([
    'graph (unauthenticated) /v1.0/users 1/0',
    'graph alpha /v1.0/identity/conditionalAccess/policies 2/1',
    'graph alpha /v1.0/reports/authenticationMethods/userRegistrationDetails 6/5',
    'graph alpha /{tenant}/oauth2/v2.0/token 1/1',
    'graph beta /v1.0/organization 1/0',
    'graph beta /v1.0/reports/authenticationMethods/userRegistrationDetails 1/0',
    'graph beta /{tenant}/oauth2/v2.0/token 1/1',
  ]);
  const throttles = accounting.snapshot().throttles.map(({ at, ...t }) => {
    expect(at).toBeGreaterThanOrEqual(0);
    return t;
  });
  expect(throttles).toEqual([
    {
      simulator: 'graph',
      tenant: 'alpha',
      endpoint: `/v1.0${report}`,
      reason: 'real:reports-5-per-10s',
      retryAfterSeconds: expect.any(Number),
    },
    {
      simulator: 'graph',
      tenant: 'alpha',
      endpoint: '/v1.0/identity/conditionalAccess/policies',
      reason: 'real:ca-1-per-s',
      retryAfterSeconds: null,
    },
    {
      simulator: 'graph',
      tenant: 'beta',
      endpoint: '/v1.0/organization',
      reason: 'fault:throttle',
      retryAfterSeconds: 1,
    },
  ]);
  expect(sim.accounting).toBe(accounting);
  expect(checker.problems).toEqual([]);
});
