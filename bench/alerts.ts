import { egressPolicy } from '@evident/connector-kit';
import { type ControlResult, newId, type TenantId } from '@evident/core';
import { openTestDatabase } from '@evident/db/testing';
import { enqueueAlertDeliveries } from '@evident/jobs';
import { createLogger, startWorker, sweepDigests } from '@evident/pipeline';
import { startWebhookCatcher } from '@evident/simulators/alerts';
import { startHaloPsaSimulator } from '@evident/simulators/psa';
import { Redis } from 'ioredis';
import type { Mode } from './lib/bench.ts';
import { makeRow, type Row } from './lib/report.ts';

const SIZES: Record<Mode, { tenants: number; fleet: number }> = {
  smoke: { tenants: 3, fleet: 20 },
  quick: { tenants: 20, fleet: 1_000 },
  full: { tenants: 50, fleet: 1_000 },
};

const result = (status: ControlResult['status'], at: number): ControlResult => ({
  controlId: 'MFA-01',
  status,
  coverage: { numerator: 1, denominator: 1 },
  reason: `MFA-01 is ${status}`,
  failing: [],
  excepted: [],
  evidence: [],
  factsAsOf: null,
  evaluatedAt: new Date(at).toISOString(),
});

/**
 * Alert latency: from a regression's verdict committed to its webhook arriving and its PSA ticket opened, through a
 * worker on Redis (p95 over tenants, target < 5 s); a fleet-wide regression: digests sent per digest rule (target 1)
 * and the PSA's 429 answers (target 0, the documented HaloPSA limit on).
 */
export async function alertsBench(mode: Mode, log: (line: string) => void): Promise<Row[]> {
  const { tenants, fleet } = SIZES[mode];
  const db = await openTestDatabase('pg');
  const catcher = await startWebhookCatcher();
  const halo = await startHaloPsaSimulator({ clientId: 'c', clientSecret: 's', companies: [{ id: 1, name: 'Fleet' }] });
  const egress = egressPolicy(`${new URL(catcher.origin).host},${new URL(halo.origin).host}`);
  const org = newId('org');
  const prefix = `evident-bench-alerts-${org}`;
  const store = db.store;
  const producer = new Redis('redis://127.0.0.1:6379');
  const worker = await startWorker({
    store,
    database: db.database,
    redis: 'redis://127.0.0.1:6379',
    prefix,
    logger: createLogger({ level: 'silent' }),
    egress,
    alerts: { publicOrigin: 'https://evident.example.com', sweep: { intervalMs: 60_000 } },
  });
  try {
    await store.createOrganization(org, { name: 'Bench MSP' });
    const hook = await store.createAlertChannel(org, {
      kind: 'webhook',
      name: 'hook',
      config: { url: `${catcher.origin}/hook` },
      secret: { signingSecret: 'a-bench-signing-secret-of-32-characters' },
    });
    const psa = await store.createAlertChannel(org, {
      kind: 'halopsa',
      name: 'halo',
      config: { authServer: `${halo.origin}/auth`, resourceServer: halo.origin, clientId: 'c' },
      secret: { clientSecret: 's' },
    });
    const digestHook = await store.createAlertChannel(org, {
      kind: 'webhook',
      name: 'digest',
      config: { url: `${catcher.origin}/digest` },
      secret: { signingSecret: 'a-bench-signing-secret-of-32-characters' },
    });
    for (const c of [hook.id, psa.id]) await store.addAlertRule(org, { channelId: c });
    await store.addAlertRule(org, {
      channelId: digestHook.id,
      digest: { period: 'daily', at: '06:00', timeZone: 'UTC' },
    });
    log(`alerts: ${fleet} tenants, the first ${tenants} timed…`);
    const ids: TenantId[] = [];
    for (let i = 0; i < fleet; i++) {
      const t = await store.createTenant(org, { name: `Tenant ${i}`, kind: 'customer' });
      ids.push(t.id as TenantId);
      await store.setAlertPsaCompany(org, {
        channelId: psa.id,
        tenantId: t.id as TenantId,
        companyId: '1',
        companyName: 'Fleet',
      });
      const run = await store.createRun(org, { tenantId: t.id as TenantId, trigger: 'manual', startedAt: new Date() });
      await store.writeResults(org, run.id, [result('pass', Date.now())]);
    }
    const latencies: number[] = [];
    for (const [i, tenantId] of ids.entries()) {
      const run = await store.createRun(org, { tenantId, trigger: 'manual', startedAt: new Date() });
      const { alerts } = await store.writeResults(org, run.id, [result('fail', Date.now() + 3_600_000)]);
      const written = performance.now();
      await enqueueAlertDeliveries({ connection: producer, prefix }, org, alerts);
      if (i >= tenants) continue;
      await catcher.waitFor('/hook', i + 1, 60_000);
      const deadline = Date.now() + 60_000;
      while (halo.tickets().length < i + 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      latencies.push(performance.now() - written);
    }
    const sorted = [...latencies].sort((a, b) => a - b);
    const p95 = sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)]!;
    const now = new Date(Date.now() + 2 * 86_400_000);
    const deps = { store, egress, now: () => now, alerts: { publicOrigin: 'https://evident.example.com' } };
    await sweepDigests(deps as never, db.database, createLogger({ level: 'silent' }));
    const digests = catcher.requests.filter((r) => r.path === '/digest').length;
    const throttled = halo.requests.filter((r) => r.status === 429).length;
    return [
      makeRow({
        benchmark: 'alerts',
        case: `latency p95, verdict → webhook and PSA ticket (${latencies.length} tenants)`,
        samples: [p95],
        unit: 'ms',
        bound: 5_000,
        boundLabel: 'target',
        target: { op: '<', value: 1 },
      }),
      makeRow({
        benchmark: 'alerts',
        case: `digests for a regression of ${fleet} tenants on one control (one digest rule)`,
        samples: [digests],
        unit: 'messages',
        bound: 1,
        boundLabel: 'one per rule and period',
        target: { op: '<=', value: 1 },
        note: `PSA 429 answers: ${throttled}; PSA requests: ${halo.requests.length}`,
      }),
    ];
  } finally {
    await worker.close(1_000);
    const keys = await producer.keys(`${prefix}:*`);
    if (keys.length > 0) await producer.del(...keys);
    await producer.quit();
    await catcher.close();
    await halo.close();
    await db.close();
  }
}
