import type { ControlResult, ControlStatus } from '@evident/core';
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import type { Store } from '../store.ts';
import { describeBothDrivers, type Seeded, seed } from '../testing/test-databases.ts';

const T0 = Date.parse('2026-12-01T10:00:00.000Z');
const SECRET = 'a-webhook-signing-secret-of-32-characters';

const result = (controlId: string, status: ControlStatus, minute: number): ControlResult => ({
  controlId,
  status,
  coverage: { numerator: 1, denominator: 1 },
  reason: `${controlId} is ${status}`,
  failing: [],
  excepted: [],
  evidence: [],
  factsAsOf: null,
  evaluatedAt: new Date(T0 + minute * 60_000).toISOString(),
});

async function assess(store: Store, s: Seeded, minute: number, statuses: Record<string, ControlStatus>) {
  const run = await store.createRun(s.org, {
    tenantId: s.tenant,
    trigger: 'schedule',
    startedAt: new Date(T0 + minute * 60_000),
  });
  const results = Object.entries(statuses).map(([id, status]) => result(id, status, minute));
  return { run: run.id, results, outcome: await store.writeResults(s.org, run.id, results) };
}

async function withChannels(store: Store, s: Seeded) {
  const hook = await store.createAlertChannel(s.org, {
    kind: 'webhook',
    name: 'soc',
    config: { url: 'https://soc.example/hook' },
    secret: { signingSecret: SECRET },
  });
  const mail = await store.createAlertChannel(s.org, {
    kind: 'email',
    name: 'ops',
    config: { host: 'smtp.example', port: 587, secure: false, from: 'a@x.example', to: ['b@x.example'] },
    secret: { password: 'smtp-password' },
  });
  await store.addAlertRule(s.org, { channelId: hook.id });
  await store.addAlertRule(s.org, { channelId: mail.id, eventTypes: ['control.regressed'] });
  return { hook, mail };
}

describeBothDrivers('alert channels, rules and the outbox', (t) => {
  it('writes one outbox row per (event, channel) with the verdicts, and nothing twice on a retry', async () => {
    const { store } = t();
    const s = await seed(store);
    const { hook, mail } = await withChannels(store, s);
    await assess(store, s, 0, { 'MFA-01': 'pass', 'LOG-01': 'fail' });
    const second = await assess(store, s, 10, { 'MFA-01': 'fail', 'LOG-01': 'pass' });
    expect(second.outcome.alerts).toHaveLength(3);
    const rows = await store.listAlertDeliveries(s.org, { tenantId: s.tenant });
    expect(rows.map((r) => `${r.event.controlId}:${r.event.type}>${r.channelId}`).sort()).toEqual(
      [
        `LOG-01:control.recovered>${hook.id}`,
        `MFA-01:control.regressed>${hook.id}`,
        `MFA-01:control.regressed>${mail.id}`,
      ].sort(),
    );
    expect(rows.every((r) => r.status === 'pending' && r.attempts === 0)).toBe(true);

    const retry = await store.writeResults(s.org, second.run, second.results);
    expect(retry.created).toBe(false);
    expect(retry.alerts.map((a) => a.id).sort()).toEqual(second.outcome.alerts.map((a) => a.id).sort());
    expect(await store.listAlertDeliveries(s.org)).toHaveLength(3);
  });

  it('loses the outbox rows with the verdicts when the transaction does not commit', async () => {
    const { store } = t();
    const s = await seed(store);
    await withChannels(store, s);
    await assess(store, s, 0, { 'MFA-01': 'pass' });
    const run = await store.createRun(s.org, { tenantId: s.tenant, trigger: 'schedule', startedAt: new Date(T0 + 1) });
    const crash = store.transaction(async (tx) => {
      await tx.writeResults(s.org, run.id, [result('MFA-01', 'fail', 5)]);
      throw new Error('the worker died here');
    });
    await expect(crash).rejects.toThrow('the worker died here');
    expect(await store.runResults(s.org, run.id)).toEqual([]);
    expect(await store.listAlertDeliveries(s.org)).toEqual([]);
    expect((await store.writeResults(s.org, run.id, [result('MFA-01', 'fail', 5)])).alerts).toHaveLength(2);
  });

  it('folds a control flipping back and forth within an hour into one alert, kept in the database', async () => {
    const { store } = t();
    const s = await seed(store);
    const { hook } = await withChannels(store, s);
    await assess(store, s, 0, { 'MFA-01': 'pass' });
    expect((await assess(store, s, 10, { 'MFA-01': 'fail' })).outcome.alerts).toHaveLength(2);
    expect((await assess(store, s, 20, { 'MFA-01': 'pass' })).outcome.alerts).toEqual([]);
    expect((await assess(store, s, 30, { 'MFA-01': 'fail' })).outcome.alerts).toEqual([]);
    const later = await assess(store, s, 75, { 'MFA-01': 'pass' });
    expect(later.outcome.alerts).toHaveLength(1);
    expect((await store.getAlertDelivery(s.org, later.outcome.alerts[0]!.id)).channelId).toBe(hook.id);
  });

  it('sends nothing for a muted tenant until the mute ends, and honours a tenant override', async () => {
    const { store } = t();
    const s = await seed(store);
    const { hook, mail } = await withChannels(store, s);
    await store.muteTenantAlerts(s.org, { tenantId: s.tenant, until: new Date(T0 + 15 * 60_000) });
    await assess(store, s, 0, { 'MFA-01': 'pass', 'MFA-02': 'pass' });
    expect((await assess(store, s, 10, { 'MFA-01': 'fail', 'MFA-02': 'pass' })).outcome.alerts).toEqual([]);
    await store.addAlertRule(s.org, { tenantId: s.tenant, channelId: mail.id, enabled: false });
    const after = await assess(store, s, 20, { 'MFA-01': 'fail', 'MFA-02': 'fail' });
    const rows = await Promise.all(after.outcome.alerts.map((a) => store.getAlertDelivery(s.org, a.id)));
    expect(rows.map((r) => [r.event.controlId, r.channelId])).toEqual([['MFA-02', hook.id]]);
  });

  it('seals channel secrets, never lists them, and moves a row to delivered or dead once', async () => {
    const { store, database } = t();
    const s = await seed(store);
    const { hook } = await withChannels(store, s);
    expect(JSON.stringify(await store.listAlertChannels(s.org))).not.toContain(SECRET);
    const stored = await database.drizzle.execute(sql`select * from alert_channels`);
    expect(JSON.stringify(stored)).not.toContain(SECRET);
    expect((await store.readAlertChannel(s.org, hook.id)).secret).toEqual({ signingSecret: SECRET });

    await assess(store, s, 0, { 'MFA-01': 'pass' });
    const [a, b] = (await assess(store, s, 10, { 'MFA-01': 'fail' })).outcome.alerts;
    expect(await store.markAlertDelivered(s.org, a!.id, new Date())).toBe(true);
    expect(await store.markAlertDelivered(s.org, a!.id, new Date())).toBe(false);
    await store.recordAlertFailure(s.org, b!.id, { error: 'HTTP 500', dead: false });
    await store.recordAlertFailure(s.org, b!.id, { error: 'HTTP 503', dead: true });
    expect(await store.getAlertDelivery(s.org, b!.id)).toMatchObject({
      status: 'dead',
      attempts: 2,
      lastError: 'HTTP 503',
    });
    expect(await store.markAlertDelivered(s.org, b!.id, new Date())).toBe(false);
    expect(await store.retryAlertDelivery(s.org, b!.id)).toMatchObject({ status: 'pending', round: 1, attempts: 0 });
  });
});
