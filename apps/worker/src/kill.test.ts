import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { assessNow, waitForRun } from '@evident/pipeline';
import { openWorld, REDIS_URL, type World } from '@evident/pipeline/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';

let w: World;
let child: ChildProcess | undefined;
beforeAll(async () => {
  w = await openWorld(['healthy']);
});
afterAll(async () => {
  child?.kill('SIGKILL');
  await w?.close();
});

it('a worker killed mid-collection: the job is taken up by another worker, and nothing is written twice', async () => {
  const tenantId = w.tenants.get('northwind')!;
  const entra = (await w.store.listConnections(w.org, { tenantId })).find((c) => c.kind === 'entra')!;
  const graph = w.sims.graph!;
  graph.faults.set('northwind', { latencyMs: 300 });
  if (w.db.database.driver !== 'pg') throw new Error('a second process needs a server database');
  const url = w.db.database.pool.options.connectionString!;
  child = spawn(process.execPath, [fileURLToPath(new URL('../bin/worker.js', import.meta.url))], {
    env: {
      PATH: process.env.PATH,
      REDIS_URL,
      DATABASE_URL: url,
      EVIDENT_SECRET_KEY_ID: w.db.key.id,
      EVIDENT_SECRET_KEY: w.db.key.key,
      EVIDENT_QUEUE_PREFIX: w.prefix,
      EVIDENT_ALLOWED_ENDPOINTS: w.sims.allowedEndpoints,
      WORKER_LOCK_DURATION_MS: '2000',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout!.on('data', (d) => {
    out += String(d);
  });
  const deadline = Date.now() + 20_000;
  while (!out.includes('worker started')) {
    if (Date.now() > deadline) throw new Error(`the worker did not start: ${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const runId = await assessNow(w.store, w.jobs, w.org, tenantId);
  const seen = graph.faults.requestCount('northwind');
  while (graph.faults.requestCount('northwind') < seen + 3) {
    if (Date.now() > deadline + 10_000) throw new Error('the collection did not start');
    await new Promise((r) => setTimeout(r, 50));
  }
  const exited = new Promise((r) => child!.once('exit', r));
  child.kill('SIGKILL');
  await exited;
  expect((await w.store.listCollections(w.org, runId)).map((c) => c.connectionId)).not.toContain(entra.id);

  graph.faults.set('northwind', {});
  await w.start({ lockDurationMs: 2_000 });
  expect(await waitForRun(w.store, w.org, runId, { timeoutMs: 45_000 })).toMatchObject({ status: 'succeeded' });
  const collections = await w.store.listCollections(w.org, runId);
  expect(collections.filter((c) => c.connectionId === entra.id)).toHaveLength(1);
  expect(new Set(collections.map((c) => c.connectionId)).size).toBe(collections.length);
  const audit = (await w.store.listAudit(w.org)).filter((e) => e.target === runId).map((e) => e.action);
  expect(audit).toEqual(['run.start', 'run.finish']);
});
