import type { AnyConnector } from '@evident/connector-kit';
import type { Provider } from '@evident/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRun, waitForRun } from './index.ts';
import type { StartWorkerOptions } from './start-worker.ts';
import { FAST_CONNECTORS, openWorld, type World } from './testing/world.ts';

let w: World;
beforeAll(async () => {
  w = await openWorld(['healthy']);
});
afterAll(() => w?.close());

/** Collects one run of the tenant on a worker started with `options`; returns each kind's requests in flight. */
async function limitsSeen(options: Partial<StartWorkerOptions>): Promise<Partial<Record<Provider, number>>> {
  const seen: Partial<Record<Provider, number>> = {};
  const watched = Object.fromEntries(
    Object.entries(FAST_CONNECTORS).map(([kind, connector]): [string, AnyConnector] => [
      kind,
      {
        ...connector,
        collect(ctx) {
          seen[kind as Provider] = ctx.limiter.concurrency;
          return connector.collect(ctx);
        },
      },
    ]),
  );
  const worker = await w.start({ ...options, connectors: watched });
  try {
    const run = await openRun(w.store, w.jobs, {
      organizationId: w.org,
      tenantId: w.tenants.get('northwind')!,
      trigger: 'manual',
    });
    expect(await waitForRun(w.store, w.org, run.id, { timeoutMs: 45_000 })).toMatchObject({ status: 'succeeded' });
  } finally {
    await worker.close(1_000);
  }
  return seen;
}

describe("a collection's requests in flight", () => {
  it("are its connector's own unless the deployment sets them", async () => {
    expect(await limitsSeen({})).toEqual({ entra: 4, github: 4, 'gcp-logging': 8 });
  });

  it("are the deployment's where it sets them, per provider", async () => {
    const limits = await limitsSeen({ concurrency: { connectors: { 'gcp-logging': { concurrency: 2 } } } });
    expect(limits).toEqual({ entra: 4, github: 4, 'gcp-logging': 2 });
  });
});
