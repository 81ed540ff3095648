import type { RunId } from '@evident/core';
import { createStore, generateSecretKey, rotateSecrets, type Store } from '@evident/db';
import { JOBS, jobId } from '@evident/jobs';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assessNow, waitForRun } from './index.ts';
import { openWorld, type World } from './testing/world.ts';

let w: World;
let collectQueue: Queue;
const newKey = { id: 'k-new', key: generateSecretKey() };
beforeAll(async () => {
  w = await openWorld(['healthy']);
  collectQueue = new Queue(JOBS.collect.queue, { connection: w.producer, prefix: w.prefix });
});
afterAll(async () => {
  await collectQueue?.close();
  await w?.close();
});

const storeWith = (previous: { id: string; key: string }[]): Store =>
  createStore(w.db.database, { secrets: { current: newKey, previous } });

async function assessed(): Promise<RunId> {
  const runId = await assessNow(w.store, w.jobs, w.org, w.tenants.get('northwind')!);
  expect(await waitForRun(w.store, w.org, runId, { timeoutMs: 45_000 })).toMatchObject({ status: 'succeeded' });
  return runId;
}

describe('a worker whose keys do not open the stored secrets', () => {
  it('flags every connection, fails each collection once with a gap, and the run says why', async () => {
    const worker = await w.start({ store: storeWith([]) });
    const runId = await assessed();
    await worker.close(1_000);

    const connections = await w.store.listConnections(w.org, { tenantId: w.tenants.get('northwind')! });
    expect(connections.length).toBeGreaterThan(0);
    for (const c of connections) {
      expect(c).toMatchObject({
        status: 'needs_attention',
        statusReason: expect.stringMatching(/cannot be decrypted/),
      });
      const job = await collectQueue.getJob(jobId.collect({ connectionId: c.id, runId }));
      expect(await job?.getState()).toBe('failed');
      expect(job?.attemptsMade).toBe(1);
    }
    const collections = await w.store.listCollections(w.org, runId);
    expect(collections).toHaveLength(connections.length);
    for (const c of collections)
      expect(c).toMatchObject({
        status: 'failed',
        factCount: 0,
        gapCount: 1,
        error: expect.stringContaining(`key ${w.db.key.id}`),
      });
    const mfa = (await w.store.runResults(w.org, runId)).find((r) => r.controlId === 'MFA-01');
    expect(mfa).toMatchObject({ status: 'unknown', reason: expect.stringMatching(/cannot be decrypted/) });
  });

  it('with the old key as a previous key it collects again, and after rotation the new key alone is enough', async () => {
    const worker = await w.start({ store: storeWith([w.db.key]) });
    const runId = await assessed();
    for (const c of await w.store.listCollections(w.org, runId)) expect(c.status).not.toBe('failed');
    const tenantId = w.tenants.get('northwind')!;
    for (const c of await w.store.listConnections(w.org, { tenantId })) expect(c.status).toBe('ok');
    await worker.close(1_000);

    const report = await rotateSecrets(w.db.database, w.org, [w.db.key], newKey);
    expect(report.connections).toBeGreaterThan(0);
    expect(await rotateSecrets(w.db.database, w.org, [w.db.key], newKey)).toEqual({
      connections: 0,
      users: 0,
      signingKeys: 0,
      alertChannels: 0,
      ssoClientSecrets: 0,
      providerAccounts: 0,
      imports: 0,
    });
    await w.start({ store: storeWith([]) });
    const after = await assessed();
    for (const c of await w.store.listCollections(w.org, after)) expect(c.status).not.toBe('failed');
  });
});
