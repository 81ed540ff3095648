import type { ConnectionId, RunId, TenantId } from '@evident/core';
import type { AssessmentRun, StoredChange } from '@evident/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assessNow, waitForRun } from './index.ts';
import type { RunningWorker } from './start-worker.ts';
import { openWorld, type World } from './testing/world.ts';
import { readIntervalMs, WATCH_DEFAULTS, type WatchOptions } from './watch-budget.ts';

/**
 * Timings scaled down: a repeat every 200 ms, a budget day short enough that every tick may read, a 1.5 s debounce
 * (production: a minute, a day, a minute). The directory audit log lags each change by 300 ms.
 */
const WATCH: Partial<WatchOptions> = { tickMs: 200, dayMs: 2_000, debounceMs: 1_500, syncMs: 200 };
const POLICY = 'Require MFA for all users';

let w: World;
let worker: RunningWorker | undefined;
let tenant: TenantId;
let entra: ConnectionId;

async function poll<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const changeRuns = async () =>
  (await w.store.listRuns(w.org, tenant, { limit: 1000 })).filter((r) => r.trigger === 'change');
const statusOf = async (runId: RunId, control: string) =>
  (await w.store.runResults(w.org, runId)).find((r) => r.controlId === control)?.status;
const watchOf = async () =>
  (await w.store.listWatches(w.org, { tenantId: tenant })).find((x) => x.connectionId === entra);

/** The next change run after `seen` runs, once finished, with the changes it was opened for. */
async function nextChangeRun(seen: number): Promise<{ run: AssessmentRun; changes: StoredChange[] }> {
  const run = await poll('a change run', async () => {
    const runs = await changeRuns();
    return runs.length > seen ? runs.at(-seen - 1) : undefined;
  });
  const done = await waitForRun(w.store, w.org, run.id, { timeoutMs: 60_000 });
  return { run: done, changes: await w.store.runChanges(w.org, run.id) };
}

const readSince = async (at: string | null) =>
  poll('a read of the trail', async () => {
    const x = await watchOf();
    return x?.lastReadAt && x.lastReadAt !== at ? x : undefined;
  });

beforeAll(async () => {
  w = await openWorld(['healthy']);
  tenant = w.tenants.get('northwind')!;
  entra = (await w.store.listConnections(w.org, { tenantId: tenant })).find((c) => c.kind === 'entra')!.id;
  w.sims.graph!.changes.auditDelayMs = 300;
  worker = await w.start({ watch: WATCH });
  // The first full assessment sizes the watcher's budget; the watcher starts from it.
  const first = await waitForRun(w.store, w.org, await assessNow(w.store, w.jobs, w.org, tenant), {
    timeoutMs: 90_000,
  });
  expect(first.status).toBe('succeeded');
  expect(await statusOf(first.id, 'MFA-01')).toBe('pass');
  await poll('the watcher to start', async () => ((await watchOf())?.started ? true : undefined));
}, 120_000);
afterAll(async () => {
  await worker?.close(1_000);
  await w?.close();
});

describe('change detection through a running worker', () => {
  it('disabling the MFA policy is assessed again at once, the run naming who did what and when', async () => {
    const before = (await changeRuns()).length;
    const started = Date.now();
    const id = w.sims.graph!.changes.setConditionalAccessState('northwind', POLICY, 'disabled', {
      user: 'mallory@northwind.example',
    });
    const { run, changes } = await nextChangeRun(before);
    const tookMs = Date.now() - started;
    expect(run.status).toBe('succeeded');
    expect(await statusOf(run.id, 'MFA-01')).toBe('fail');
    expect(changes).toEqual([
      {
        connectionId: entra,
        id,
        at: expect.any(String),
        actor: 'mallory@northwind.example',
        action: 'Update conditional access policy',
        target: POLICY,
      },
    ]);
    // Drift names the run, and the run names the change.
    const drift = (await w.store.listDrift(w.org, tenant)).filter((d) => d.runId === run.id);
    expect(drift.map((d) => [d.controlId, d.from, d.to])).toContainEqual(['MFA-01', 'pass', 'fail']);
    const audit = (await w.store.listAudit(w.org)).find((e) => e.action === 'run.start' && e.target === run.id);
    expect(audit?.data).toMatchObject({ trigger: 'change', changes: 1, first: { actor: 'mallory@northwind.example' } });
    // Scaled: a 200 ms repeat and a 1.5 s debounce stand for a minute each; the 5-minute promise is their sum
    // plus the provider's lag and one assessment.
    expect(tookMs).toBeLessThan(45_000);

    w.sims.graph!.changes.setConditionalAccessState('northwind', POLICY, 'enabled');
    const back = await nextChangeRun(before + 1);
    expect(await statusOf(back.run.id, 'MFA-01')).toBe('pass');
  }, 120_000);

  it('a burst of 50 edits is one re-assessment naming all 50', async () => {
    const before = (await changeRuns()).length;
    const ids: string[] = [];
    for (let i = 0; i < 50; i++) ids.push(w.sims.graph!.changes.setSecurityDefaults('northwind', i % 2 === 0));
    const { run, changes } = await nextChangeRun(before);
    expect(run.status).toBe('succeeded');
    expect(new Set(changes.map((c) => c.id))).toEqual(new Set(ids));
    // Nothing else follows: the burst is over and every change has been taken.
    await readSince((await watchOf())!.lastReadAt);
    await readSince((await watchOf())!.lastReadAt);
    await new Promise((r) => setTimeout(r, WATCH.debounceMs! + 500));
    expect((await changeRuns()).length).toBe(before + 1);
  }, 120_000);

  it('a stopped watcher catches up from its cursor: no change missed, none assessed twice', async () => {
    const before = (await changeRuns()).length;
    await worker!.close(1_000);
    worker = undefined;
    const ids = [
      w.sims.graph!.changes.setConditionalAccessState('northwind', POLICY, 'enabledForReportingButNotEnforced'),
      w.sims.graph!.changes.setSecurityDefaults('northwind', false),
      w.sims.graph!.changes.setConditionalAccessState('northwind', POLICY, 'disabled'),
    ];
    await new Promise((r) => setTimeout(r, 1_000));
    expect((await changeRuns()).length).toBe(before);
    worker = await w.start({ watch: WATCH });
    const { run, changes } = await nextChangeRun(before);
    expect(changes.map((c) => c.id).sort()).toEqual([...ids].sort());
    expect(await statusOf(run.id, 'MFA-01')).toBe('fail');
    const all = (await Promise.all((await changeRuns()).map((r) => w.store.runChanges(w.org, r.id)))).flat();
    expect(new Set(all.map((c) => c.id)).size).toBe(all.length);
    w.sims.graph!.changes.setConditionalAccessState('northwind', POLICY, 'enabled');
    await nextChangeRun(before + 1);
  }, 120_000);

  it('malformed, huge and foreign events are skipped with their reason, and the watcher goes on', async () => {
    const before = (await changeRuns()).length;
    const at = new Date().toISOString();
    const sim = w.sims.graph!.changes;
    sim.appendAudit('northwind', { id: 'Directory_types', category: 'Policy', activityDateTime: 7, initiatedBy: 'x' });
    sim.appendAudit('northwind', {
      id: 'Directory_huge',
      category: 'Policy',
      activityDateTime: at,
      activityDisplayName: 'x'.repeat(100_000),
      initiatedBy: {},
    });
    sim.appendAudit('northwind', {
      id: 'Directory_foreign',
      tenantId: 'fabrikam',
      category: 'Policy',
      activityDateTime: at,
      activityDisplayName: 'Update conditional access policy',
      initiatedBy: {},
    });
    const good = sim.setConditionalAccessState('northwind', POLICY, 'disabled', { app: 'Rogue automation' });
    const { changes } = await nextChangeRun(before);
    expect(changes.map((c) => [c.id, c.actor])).toEqual([[good, 'Rogue automation']]);
    const watch = (await watchOf())!;
    expect(watch.error).toBeNull();
    const reasons = new Map(watch.skipped.map((s) => [s.id, s.reason]));
    expect(reasons.get('Directory_types')).toMatch(/not a directory audit/);
    expect(reasons.get('Directory_huge')).toMatch(/bytes/);
    expect(reasons.get('Directory_foreign')).toMatch(/another tenant/);
    sim.setConditionalAccessState('northwind', POLICY, 'enabled');
    expect((await nextChangeRun(before + 1)).changes).toHaveLength(1);
  }, 120_000);

  it('a refused trail is recorded with its gap code, never read as "no changes"', async () => {
    const graph = w.sims.graph!;
    graph.faults.set('northwind', { revokePermission: { after: 0, permission: 'AuditLog.Read.All' } });
    try {
      const failed = await poll('the refusal', async () => {
        const x = await watchOf();
        return x?.error ? x : undefined;
      });
      expect(failed.error).toMatchObject({
        code: 'permission_missing',
        message: expect.stringMatching(/AuditLog\.Read\.All/),
      });
    } finally {
      graph.faults.set('northwind', {});
    }
    await poll('the watcher to recover', async () => ((await watchOf())?.error === null ? true : undefined));
  }, 60_000);

  it('the production interval keeps the watcher within 10% of a day of 6-hourly assessments', async () => {
    const watch = (await watchOf())!;
    const cost = { collection: watch.collectionRequests!, read: watch.readRequests! };
    expect(cost.collection).toBeGreaterThan(10);
    expect(cost.read).toBe(1);
    const interval = readIntervalMs(WATCH_DEFAULTS, cost);
    const perDay = (86_400_000 / interval) * cost.read;
    expect(perDay).toBeLessThanOrEqual(0.1 * 4 * cost.collection);
    expect(readIntervalMs(WATCH_DEFAULTS, { collection: 720, read: 1 })).toBe(300_000);
  });
});
