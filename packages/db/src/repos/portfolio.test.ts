import type { ControlResult, ControlStatus, OrganizationId, TenantId } from '@evident/core';
import { expect, it } from 'vitest';
import type { Store } from '../store.ts';
import { describeBothDrivers, openRuntimeDatabase, seed } from '../testing/test-databases.ts';

const result = (controlId: string, status: ControlStatus, at: Date): ControlResult => ({
  controlId,
  status,
  coverage: { numerator: 1, denominator: 2 },
  reason: `${controlId} is ${status}`,
  failing: status === 'fail' ? [{ connection: 'c', subject: 'u1', why: 'mfa_not_registered' }] : [],
  excepted: [],
  evidence: [],
  factsAsOf: null,
  evaluatedAt: at.toISOString(),
});

async function assessed(store: Store, org: OrganizationId, tenantId: TenantId, at: string, statuses: ControlStatus[]) {
  const startedAt = new Date(at);
  const run = await store.createRun(org, { tenantId, trigger: 'schedule', startedAt });
  if (statuses.length)
    await store.writeResults(
      org,
      run.id,
      statuses.map((s, i) => result(`MFA-0${i + 1}`, s, startedAt)),
    );
  return run.id;
}

describeBothDrivers('portfolio reads', (t) => {
  it('take each tenant’s newest run with results, and per day the counts of that day’s last such run', async () => {
    const { store } = t();
    const a = await seed(store);
    await assessed(store, a.org, a.tenant, '2026-11-10T08:00:00Z', ['pass', 'fail']);
    await assessed(store, a.org, a.tenant, '2026-11-10T18:00:00Z', ['pass', 'pass', 'not_applicable']);
    const latest = await assessed(store, a.org, a.tenant, '2026-11-11T09:00:00Z', ['partial', 'unknown']);
    await assessed(store, a.org, a.tenant, '2026-11-11T12:00:00Z', []);
    const gone = await store.createTenant(a.org, { name: 'Gone', kind: 'customer' });
    await assessed(store, a.org, gone.id, '2026-11-11T10:00:00Z', ['fail']);
    await store.deleteTenant(a.org, gone.id);
    const other = await seed(store);
    await assessed(store, other.org, other.tenant, '2026-11-11T10:00:00Z', ['pass']);

    expect((await store.portfolioCells(a.org)).map((c) => [c.tenantId, c.runId, c.controlId, c.status])).toEqual([
      [a.tenant, latest, 'MFA-01', 'partial'],
      [a.tenant, latest, 'MFA-02', 'unknown'],
    ]);
    expect(
      (await store.portfolioTrend(a.org, new Date('2026-11-10T00:00:00Z'))).filter((p) => p.tenantId === a.tenant),
    ).toEqual([
      { tenantId: a.tenant, day: '2026-11-10', passing: 2, partial: 0, applicable: 2 },
      { tenantId: a.tenant, day: '2026-11-11', passing: 0, partial: 1, applicable: 2 },
    ]);
    expect(await store.portfolioTrend(a.org, new Date('2026-11-11T00:00:00Z'))).toEqual(
      [
        { tenantId: gone.id, day: '2026-11-11', passing: 0, partial: 0, applicable: 1 },
        { tenantId: a.tenant, day: '2026-11-11', passing: 0, partial: 1, applicable: 2 },
      ].sort((x, y) => x.tenantId.localeCompare(y.tenantId)),
    );
    const summaries = await store.latestResultSummaries(a.org, a.tenant);
    expect(summaries.map((s) => [s.runId, s.controlId, s.status, s.failingCount])).toEqual([
      [latest, 'MFA-01', 'partial', 0],
      [latest, 'MFA-02', 'unknown', 0],
    ]);
    expect((await store.latestResults(a.org, a.tenant))?.run.id).toBe(latest);
    expect(await store.portfolioCells(other.org)).toHaveLength(1);
    expect(new Set((await store.portfolioCells(a.org)).map((c) => c.evaluatedAt))).toEqual(
      new Set(['2026-11-11T09:00:00.000Z']),
    );
  });
});

describeBothDrivers('the portfolio stamp', (t) => {
  it('changes with everything the portfolio shows, written as the runtime role, and with nothing else', async () => {
    const runtime = await openRuntimeDatabase(t());
    try {
      const { store } = runtime;
      const a = await seed(store);
      const other = await seed(store);
      const stamps = [await store.portfolioStamp(a.org)];
      const changes = async (what: string, change: () => Promise<unknown>, expected: boolean) => {
        await change();
        const stamp = await store.portfolioStamp(a.org);
        expect({ what, changed: !stamps.includes(stamp) }).toEqual({ what, changed: expected });
        stamps.push(stamp);
      };
      await changes(
        'a run without results',
        () => store.createRun(a.org, { tenantId: a.tenant, trigger: 'manual' }),
        false,
      );
      const runId = (await store.createRun(a.org, { tenantId: a.tenant, trigger: 'manual' })).id;
      await changes(
        'its results',
        () => store.writeResults(a.org, runId, [result('MFA-01', 'pass', new Date())]),
        true,
      );
      await changes(
        'the same results again',
        () => store.writeResults(a.org, runId, [result('MFA-01', 'pass', new Date())]),
        false,
      );
      await changes('a rename', () => store.renameTenant(a.org, a.tenant, 'Contoso Ltd'), true);
      await changes('a new tenant', () => store.createTenant(a.org, { name: 'Fabrikam', kind: 'customer' }), true);
      await changes(
        'a connection',
        () =>
          store.createConnection(a.org, {
            tenantId: a.tenant,
            kind: 'entra',
            name: 'e',
            config: {},
            secret: { token: 't' },
          }),
        true,
      );
      await changes(
        'a connection’s health',
        () => store.setConnectionStatus(a.org, a.connection, 'needs_attention', 'token expired'),
        false,
      );
      await changes(
        'another organization’s results',
        () => assessed(store, other.org, other.tenant, '2026-11-11T10:00:00Z', ['fail']),
        false,
      );
      await changes('a tenant deleted', () => store.deleteTenant(a.org, a.tenant), true);
    } finally {
      await runtime.close();
    }
  });
});
