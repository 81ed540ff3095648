import type { ControlResult, ControlStatus, RunId } from '@evident/core';
import { expect, it } from 'vitest';
import type { Store } from '../store.ts';
import { describeBothDrivers, type Seeded, seed } from '../testing/test-databases.ts';

const T0 = Date.parse('2026-11-20T10:00:00.000Z');

function result(controlId: string, status: ControlStatus, minute: number): ControlResult {
  return {
    controlId,
    status,
    coverage: { numerator: status === 'pass' ? 10 : 7, denominator: 10 },
    reason: `${controlId} is ${status}`,
    failing:
      status === 'fail' ? [{ connection: 'con', subject: 'u1', name: 'ann@contoso.example', why: 'no MFA' }] : [],
    excepted: [],
    evidence: [{ connection: 'con', source: 'GET /users', observedAt: new Date(T0).toISOString(), facts: 10 }],
    factsAsOf: new Date(T0).toISOString(),
    evaluatedAt: new Date(T0 + minute * 60_000).toISOString(),
  };
}

async function runWith(store: Store, s: Seeded, minute: number, statuses: Record<string, ControlStatus>) {
  const run = await store.createRun(s.org, {
    tenantId: s.tenant,
    trigger: 'schedule',
    startedAt: new Date(T0 + minute * 60_000),
  });
  const outcome = await store.writeResults(
    s.org,
    run.id,
    Object.entries(statuses).map(([id, status]) => result(id, status, minute)),
  );
  return { run: run.id as RunId, outcome };
}

describeBothDrivers('control results and drift', (t) => {
  it('records no drift for the first run, one event for one change, none when nothing changes', async () => {
    const { store } = t();
    const s = await seed(store);
    const first = await runWith(store, s, 1, { 'MFA-01': 'pass', 'LOG-01': 'fail' });
    expect(first.outcome).toEqual({ created: true, drift: [], alerts: [] });

    const second = await runWith(store, s, 2, { 'MFA-01': 'fail', 'LOG-01': 'fail' });
    expect(second.outcome.drift).toEqual([
      {
        organizationId: s.org,
        tenantId: s.tenant,
        controlId: 'MFA-01',
        runId: second.run,
        previousRunId: first.run,
        from: 'pass',
        to: 'fail',
        at: new Date(T0 + 2 * 60_000).toISOString(),
      },
    ]);

    const third = await runWith(store, s, 3, { 'MFA-01': 'fail', 'LOG-01': 'fail' });
    expect(third.outcome.drift).toEqual([]);
    expect(await store.listDrift(s.org, s.tenant)).toHaveLength(1);
  });

  it('measures drift against the latest earlier run that has results, ignoring new controls', async () => {
    const { store } = t();
    const s = await seed(store);
    const first = await runWith(store, s, 1, { 'MFA-01': 'pass' });
    await store.createRun(s.org, { tenantId: s.tenant, trigger: 'manual', startedAt: new Date(T0 + 90_000) });
    const later = await runWith(store, s, 2, { 'MFA-01': 'unknown', 'MFA-02': 'fail' });
    expect(later.outcome.drift.map((d) => [d.controlId, d.from, d.to, d.previousRunId])).toEqual([
      ['MFA-01', 'pass', 'unknown', first.run],
    ]);
  });

  it('writes a run once: a retry returns the first outcome and duplicates nothing', async () => {
    const { store } = t();
    const s = await seed(store);
    await runWith(store, s, 1, { 'MFA-01': 'pass' });
    const second = await runWith(store, s, 2, { 'MFA-01': 'partial' });
    const retry = await store.writeResults(s.org, second.run, [
      result('MFA-01', 'fail', 2),
      result('LOG-01', 'pass', 2),
    ]);
    expect(retry).toEqual({ created: false, drift: second.outcome.drift, alerts: [] });
    expect((await store.runResults(s.org, second.run)).map((r) => [r.controlId, r.status])).toEqual([
      ['MFA-01', 'partial'],
    ]);
    expect(await store.listDrift(s.org, s.tenant)).toHaveLength(1);
  });

  it("gives results back as written, the latest run, and one control's history newest first", async () => {
    const { store } = t();
    const s = await seed(store);
    const written = result('MFA-01', 'fail', 1);
    const first = await store.createRun(s.org, { tenantId: s.tenant, trigger: 'schedule', startedAt: new Date(T0) });
    await store.writeResults(s.org, first.id, [written]);
    expect(await store.runResults(s.org, first.id)).toEqual([written]);
    const second = await runWith(store, s, 5, { 'MFA-01': 'pass', 'LOG-01': 'pass' });

    const latest = await store.latestResults(s.org, s.tenant);
    expect(latest?.run.id).toBe(second.run);
    expect(latest?.results.map((r) => r.controlId)).toEqual(['LOG-01', 'MFA-01']);

    const history = await store.resultHistory(s.org, s.tenant, 'MFA-01');
    expect(history.map((h) => [h.runId, h.status])).toEqual([
      [second.run, 'pass'],
      [first.id, 'fail'],
    ]);
    const older = await store.resultHistory(s.org, s.tenant, 'MFA-01', { before: new Date(history[0]!.evaluatedAt) });
    expect(older.map((h) => h.runId)).toEqual([first.id]);
  });

  it('refuses a control twice in one run', async () => {
    const { store } = t();
    const s = await seed(store);
    await expect(
      store.writeResults(s.org, s.run, [result('MFA-01', 'pass', 1), result('MFA-01', 'fail', 1)]),
    ).rejects.toThrow('control results is not valid');
  });
});
