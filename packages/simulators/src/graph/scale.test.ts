import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { PageIterator } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { preset } from '../scenario/presets.ts';
import { type GraphSimulator, startGraphSimulator } from './server.ts';
import { GraphBodyChecker } from './testing/graph-bodies.ts';
import { fetchToken, graphClient, RetryHandlerOptions } from './testing/graph-client.ts';

/** A collector: `global.gc` when Node runs with --expose-gc, else one obtained by enabling the flag at run time. */
function collector(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

let sim: GraphSimulator;

beforeAll(async () => {
  sim = await startGraphSimulator(preset('huge', { faults: { graph: { realThrottles: false } } }));
});
afterAll(() => sim.close());

it('pages 305,000 users end to end at $top=999 in bounded memory', async () => {
  const gc = collector();
  const checker = new GraphBodyChecker();
  const client = graphClient(sim, await fetchToken(sim, 'megacorp'), {
    retry: new RetryHandlerOptions(0, 0),
    onResponse: checker.check,
  });
  gc();
  const baseline = process.memoryUsage().heapUsed;
  let peak = 0;
  let count = 0;
  let disabledOrGuest = 0;
  const started = performance.now();
  const first = await client.api('/users').select(['id', 'accountEnabled', 'userType']).top(999).get();
  await new PageIterator(client, first, (u: { accountEnabled: boolean; userType: string }) => {
    count++;
    if (u.userType === 'Guest' || !u.accountEnabled) disabledOrGuest++;
    if (count % 999 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed - baseline);
    return true;
  }).iterate();
  const seconds = (performance.now() - started) / 1000;
  expect(count).toBe(305_000);
  expect(disabledOrGuest).toBe(5_000);
  expect(peak).toBeLessThan(100 * 1024 * 1024);
  expect(seconds).toBeLessThan(60);
  expect(sim.accounting.total({ tenant: 'megacorp', endpoint: '/v1.0/users' })).toBe(306);
  expect(checker.problems).toEqual([]);
  expect(checker.checked.get('directoryObject')).toBe(306);
  console.log(`paged 305,000 users in ${seconds.toFixed(1)} s; peak heap growth ${(peak / 1048576).toFixed(1)} MB`);
}, 90_000);
