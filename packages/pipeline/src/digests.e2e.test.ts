import { digestMessage } from '@evident/alerts';
import { egressPolicy } from '@evident/connector-kit';
import { type ControlResult, newId, type TenantId } from '@evident/core';
import { openTestDatabase, type TestDatabase } from '@evident/db/testing';
import {
  type SmtpSimulator,
  startSmtpSimulator,
  startWebhookCatcher,
  type WebhookCatcher,
} from '@evident/simulators/alerts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkerDeps } from './deps.ts';
import { sweepDigests } from './digests.ts';
import { createLogger } from './logger.ts';

const TENANTS = 120;
const CONTROL = 'MFA-01';
let db: TestDatabase;
let catcher: WebhookCatcher;
let smtp: SmtpSimulator;
let deps: WorkerDeps;
let clock = new Date();
const org = newId('org');
const logger = createLogger({ level: 'silent' });

const result = (status: ControlResult['status'], evaluatedAt: string): ControlResult => ({
  controlId: CONTROL,
  status,
  coverage: { numerator: 1, denominator: 1 },
  reason: `${CONTROL} is ${status}`,
  failing: [],
  excepted: [],
  evidence: [],
  factsAsOf: null,
  evaluatedAt,
});

beforeAll(async () => {
  db = await openTestDatabase('pg');
  catcher = await startWebhookCatcher();
  smtp = await startSmtpSimulator();
  const egress = egressPolicy(`${new URL(catcher.origin).host},127.0.0.1:${smtp.port}`);
  // Only what the digest sweep reads: the store, the egress policy, the clock and the dashboard origin.
  deps = {
    store: db.store,
    egress,
    now: () => clock,
    alerts: { publicOrigin: 'https://evident.example.com' },
  } as WorkerDeps;
  await db.store.createOrganization(org, { name: 'Northwind MSP' });
  const hook = await db.store.createAlertChannel(org, {
    kind: 'webhook',
    name: 'digest hook',
    config: { url: `${catcher.origin}/digest` },
    secret: { signingSecret: 'a-digest-signing-secret-of-32-chars!' },
  });
  const mail = await db.store.createAlertChannel(org, {
    kind: 'email',
    name: 'weekly mail',
    config: {
      host: '127.0.0.1',
      port: smtp.port,
      secure: false,
      from: 'alerts@northwind.example',
      to: ['soc@northwind.example'],
    },
    secret: {},
  });
  await db.store.addAlertRule(org, {
    channelId: hook.id,
    digest: { period: 'daily', at: '08:00', timeZone: 'Europe/Berlin' },
  });
  await db.store.addAlertRule(org, {
    channelId: mail.id,
    digest: { period: 'weekly', at: '07:30', timeZone: 'America/New_York', weekday: 'monday' },
  });
  const t0 = Date.now();
  for (let i = 0; i < TENANTS; i++) {
    const tenant = await db.store.createTenant(org, { name: `Customer ${i}`, kind: 'customer' });
    for (const [status, hours] of [
      ['pass', 0],
      ['fail', 2],
    ] as const) {
      const run = await db.store.createRun(org, {
        tenantId: tenant.id as TenantId,
        trigger: 'manual',
        startedAt: new Date(),
      });
      await db.store.writeResults(org, run.id, [result(status, new Date(t0 + hours * 3_600_000).toISOString())]);
    }
  }
}, 600_000);
afterAll(async () => {
  await db?.close();
  await catcher?.close();
  await smtp?.close();
});

describe('digests', () => {
  it('refuses a digest on a PSA channel and an invalid schedule, with clear messages', async () => {
    const psa = await db.store.createAlertChannel(org, {
      kind: 'halopsa',
      name: 'halo',
      config: {
        authServer: 'https://halo.example.com/auth',
        resourceServer: 'https://halo.example.com',
        clientId: 'c',
      },
      secret: { clientSecret: 's' },
    });
    const daily = { period: 'daily', at: '08:00', timeZone: 'UTC' } as const;
    await expect(db.store.addAlertRule(org, { channelId: psa.id, digest: daily })).rejects.toThrow(/PSA channel/);
    await expect(
      db.store.addAlertRule(org, { channelId: psa.id, digest: { ...daily, timeZone: 'Europe/Atlantis' } }),
    ).rejects.toMatchObject({ issues: [expect.objectContaining({ message: expect.stringContaining('IANA') })] });
  });

  it('a fleet-wide regression is one digest per rule and period, not one message per tenant', async () => {
    expect(await db.store.listAlertDeliveries(org)).toEqual([]);
    // Before the first scheduled time after the regression, nothing is sent.
    clock = new Date();
    await sweepDigests(deps, db.database, logger);
    expect(catcher.requests).toHaveLength(0);

    clock = new Date(Date.now() + 8 * 86_400_000);
    expect(await sweepDigests(deps, db.database, logger)).toBe(2);
    expect(await sweepDigests(deps, db.database, logger)).toBe(0);
    const [hook] = await catcher.waitFor('/digest', 1);
    expect(catcher.requests).toHaveLength(1);
    const body = digestMessage.parse(JSON.parse(hook!.body));
    expect(body.changes).toHaveLength(TENANTS);
    expect(new Set(body.changes.map((c) => c.tenant.id)).size).toBe(TENANTS);
    expect(hook!.headers['idempotency-key']).toBe(body.id);
    const mails = await smtp.waitFor(1);
    expect(smtp.mails).toHaveLength(1);
    expect(mails[0]!.parsed.subject).toContain(`${TENANTS} control changes`);
    expect(mails[0]!.parsed.text).toContain(`in ${TENANTS} tenants (Customer 0, Customer 1`);
    const digests = await db.store.listAlertDigests(org);
    expect(digests.map((d) => d.status)).toEqual(['delivered', 'delivered']);
  });
});
