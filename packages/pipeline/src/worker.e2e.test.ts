import type { RunId, TenantId } from '@evident/core';
import type { AssessmentRun } from '@evident/db';
import { collectPriority, JOBS, jobId, removeTenantSchedule } from '@evident/jobs';
import { Queue, QueueEvents } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assessNow, openRun, syncSchedules, waitForRun } from './index.ts';
import { openWorld, type World } from './testing/world.ts';

let w: World;
const firstRuns = new Map<string, AssessmentRun>();

beforeAll(async () => {
  w = await openWorld(['healthy', 'admins-unenforced']);
  await w.start();
});
afterAll(() => w?.close());

const tenant = (name: string): TenantId => w.tenants.get(name)!;
const statusOf = async (runId: RunId, control: string) =>
  (await w.store.runResults(w.org, runId)).find((r) => r.controlId === control);

async function poll<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('scheduled assessments, end to end', () => {
  it('a schedule opens a run per tenant; collections, facts and results follow the presets', async () => {
    const { upserted } = await syncSchedules(w.store, w.jobs, w.org, { everyMs: 500 });
    expect(upserted).toHaveLength(2);
    for (const name of ['northwind', 'fabrikam']) {
      await poll(`a run of ${name}`, async () => (await w.store.listRuns(w.org, tenant(name)))[0]);
      await removeTenantSchedule(w.jobs, tenant(name));
    }
    for (const name of ['northwind', 'fabrikam']) {
      // A tick may have fired again before its schedule was removed: every run must finish, the first is checked.
      const runs = await poll(
        `the runs of ${name} to finish`,
        async () => {
          const all = await w.store.listRuns(w.org, tenant(name));
          return all.every((r) => r.status !== 'running') ? all : undefined;
        },
        45_000,
      );
      const done = runs.at(-1)!;
      expect(done).toMatchObject({ status: 'succeeded', trigger: 'schedule' });
      expect(await waitForRun(w.store, w.org, done.id, { timeoutMs: 1_000 })).toEqual(done);
      firstRuns.set(name, done);
      const run = done;
      const collections = await w.store.listCollections(w.org, run.id);
      const connections = await w.store.listConnections(w.org, { tenantId: tenant(name) });
      expect(collections.map((c) => c.connectionId).sort()).toEqual(connections.map((c) => c.id).sort());
      for (const c of collections) {
        expect(c.status).not.toBe('failed');
        expect(c.factCount).toBeGreaterThan(0);
      }
    }
    expect((await statusOf(firstRuns.get('northwind')!.id, 'MFA-01'))?.status).toBe('pass');
    expect((await statusOf(firstRuns.get('fabrikam')!.id, 'MFA-01'))?.status).toBe('fail');
    const audit = (await w.store.listAudit(w.org)).map((e) => `${e.action} ${e.target}`);
    for (const run of firstRuns.values()) {
      expect(audit.filter((a) => a === `run.start ${run.id}`)).toHaveLength(1);
      expect(audit.filter((a) => a === `run.finish ${run.id}`)).toHaveLength(1);
    }
  });

  it("queues a scheduled run's collections by how long each connection's last good collection took", async () => {
    const latest = await w.store.latestCollections(w.org, tenant('northwind'));
    const run = await openRun(w.store, w.jobs, {
      organizationId: w.org,
      tenantId: tenant('northwind'),
      trigger: 'schedule',
    });
    expect(await waitForRun(w.store, w.org, run.id, { timeoutMs: 45_000 })).toMatchObject({ status: 'succeeded' });
    const collect = new Queue(JOBS.collect.queue, { connection: w.producer, prefix: w.prefix });
    try {
      const connections = await w.store.listConnections(w.org, { tenantId: tenant('northwind') });
      expect(latest.map((c) => c.connectionId).sort()).toEqual(connections.map((c) => c.id).sort());
      for (const c of latest) {
        const job = await collect.getJob(jobId.collect({ connectionId: c.connectionId, runId: run.id }));
        const took = Date.parse(c.finishedAt) - Date.parse(c.startedAt);
        expect(job?.opts.priority).toBe(collectPriority('schedule', took));
      }
    } finally {
      await collect.close();
    }
  });

  it('running the same jobs again (same run and connection) writes nothing twice', async () => {
    const run = firstRuns.get('fabrikam')!;
    const before = {
      collections: await w.store.listCollections(w.org, run.id),
      results: await w.store.runResults(w.org, run.id),
      audit: (await w.store.listAudit(w.org)).length,
    };
    const payload = { organizationId: w.org, tenantId: run.tenantId, runId: run.id };
    const collect = new Queue(JOBS.collect.queue, { connection: w.producer, prefix: w.prefix });
    const assess = new Queue(JOBS.assess.queue, { connection: w.producer, prefix: w.prefix });
    const events = [
      new QueueEvents(JOBS.collect.queue, { connection: { host: '127.0.0.1', port: 6379 }, prefix: w.prefix }),
      new QueueEvents(JOBS.assess.queue, { connection: { host: '127.0.0.1', port: 6379 }, prefix: w.prefix }),
    ];
    try {
      await Promise.all(events.map((e) => e.waitUntilReady()));
      const again = await Promise.all(
        before.collections.map((c) =>
          collect.add('collect', { ...payload, connectionId: c.connectionId }, { jobId: `again.${c.connectionId}` }),
        ),
      );
      const outcomes = await Promise.all(again.map((j) => j.waitUntilFinished(events[0]!, 30_000)));
      for (const o of outcomes) expect(o).toMatchObject({ outcome: 'skipped' });
      const reassess = await assess.add('assess', { ...payload, trigger: 'schedule' }, { jobId: `again.${run.id}` });
      expect(await reassess.waitUntilFinished(events[1]!, 30_000)).toMatchObject({ outcome: 'skipped' });
    } finally {
      await Promise.all([collect.close(), assess.close(), ...events.map((e) => e.close())]);
    }
    expect(await w.store.listCollections(w.org, run.id)).toEqual(before.collections);
    expect(await w.store.runResults(w.org, run.id)).toEqual(before.results);
    expect((await w.store.listAudit(w.org)).length).toBe(before.audit);
  });
});

describe('a provider outage', () => {
  it('token expired: the connection is flagged, its controls unknown with the reason, last good facts kept', async () => {
    const entra = (await w.store.listConnections(w.org, { tenantId: tenant('northwind') })).find(
      (c) => c.kind === 'entra',
    )!;
    const good = (await w.store.latestCollections(w.org, tenant('northwind'))).find(
      (c) => c.connectionId === entra.id,
    )!;
    w.sims.graph!.faults.set('northwind', { tokenExpiresAfter: w.sims.graph!.faults.requestCount('northwind') });

    const runId = await assessNow(w.store, w.jobs, w.org, tenant('northwind'));
    expect(await waitForRun(w.store, w.org, runId, { timeoutMs: 45_000 })).toMatchObject({ status: 'succeeded' });
    const failed = (await w.store.listCollections(w.org, runId)).find((c) => c.connectionId === entra.id)!;
    expect(failed).toMatchObject({ status: 'failed', factCount: 0, error: expect.stringMatching(/auth_failed/) });
    expect(failed.gapCount).toBeGreaterThan(0);
    expect(await w.store.getConnection(w.org, entra.id)).toMatchObject({
      status: 'needs_attention',
      statusReason: expect.stringMatching(/auth_failed/),
    });
    const latest = (await w.store.latestCollections(w.org, tenant('northwind'))).find(
      (c) => c.connectionId === entra.id,
    );
    expect(latest?.id).toBe(good.id);
    const mfa = await statusOf(runId, 'MFA-01');
    expect(mfa).toMatchObject({ status: 'unknown', reason: expect.stringMatching(/auth_failed/) });
    expect(mfa?.reason).not.toMatch(/days old/);
    const drift = (await w.store.listDrift(w.org, tenant('northwind'))).filter((d) => d.runId === runId);
    expect(drift).toContainEqual(expect.objectContaining({ controlId: 'MFA-01', from: 'pass', to: 'unknown' }));
  });

  it('past the freshness window the kept facts are reported stale', async () => {
    w.clock.advance(10 * 24 * 3600 * 1000);
    const runId = await assessNow(w.store, w.jobs, w.org, tenant('northwind'));
    expect(await waitForRun(w.store, w.org, runId, { timeoutMs: 45_000 })).toMatchObject({ status: 'succeeded' });
    expect(await statusOf(runId, 'MFA-01')).toMatchObject({
      status: 'unknown',
      reason: expect.stringMatching(/auth_failed.*days old|days old.*auth_failed/s),
    });
  });

  it('every request failing (503): a failed collection with provider_error gaps, the connection not flagged', async () => {
    const github = (await w.store.listConnections(w.org, { tenantId: tenant('fabrikam') })).find(
      (c) => c.kind === 'github',
    )!;
    w.sims.github!.faults.set('fabrikam', { serverErrorShare: 1 });
    const runId = await assessNow(w.store, w.jobs, w.org, tenant('fabrikam'));
    expect(await waitForRun(w.store, w.org, runId, { timeoutMs: 45_000 })).toMatchObject({ status: 'succeeded' });
    const failed = (await w.store.listCollections(w.org, runId)).find((c) => c.connectionId === github.id);
    expect(failed).toMatchObject({ status: 'failed', error: expect.stringMatching(/provider_error/) });
    expect((await w.store.getConnection(w.org, github.id)).status).toBe('ok');
    const results = await w.store.runResults(w.org, runId);
    const githubUnknown = results.filter(
      (r) => r.status === 'unknown' && r.reason.includes(`provider_error on ${github.id}`),
    );
    expect(githubUnknown.length).toBeGreaterThan(0);
    w.sims.github!.faults.set('fabrikam', {});
  });
});
