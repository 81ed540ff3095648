import { createHmac, timingSafeEqual } from 'node:crypto';
import { alertMessage } from '@evident/alerts';
import { egressPolicy } from '@evident/connector-kit';
import type { ControlResult, TenantId } from '@evident/core';
import {
  type SmtpSimulator,
  startSmtpSimulator,
  startWebhookCatcher,
  type WebhookCatcher,
} from '@evident/simulators/alerts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRun, type RunningWorker, retryAlertDelivery, type StartWorkerOptions, waitForRun } from './index.ts';
import { openWorld, type World } from './testing/world.ts';

const SIGNING = 'an-end-to-end-signing-secret-of-32-chars';
const ORIGIN = 'https://evident.example.com';
/** Needs GitHub's 2FA requirement: it passes on the healthy preset and has no evidence once GitHub fails. */
const CONTROL = 'MFA-07';

let w: World;
let catcher: WebhookCatcher;
let smtp: SmtpSimulator;
let tenant: TenantId;
const channels: Record<string, string> = {};
let worker: RunningWorker;
let workerOptions: Partial<StartWorkerOptions>;

async function poll<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 45_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function assess() {
  const run = await openRun(w.store, w.jobs, { organizationId: w.org, tenantId: tenant, trigger: 'manual' });
  await waitForRun(w.store, w.org, run.id, { timeoutMs: 60_000 });
  return w.store.runResults(w.org, run.id);
}

beforeAll(async () => {
  w = await openWorld(['healthy']);
  tenant = w.tenants.get('northwind')!;
  catcher = await startWebhookCatcher();
  smtp = await startSmtpSimulator();
  catcher.answer('/down', 500);
  const loopback = `${new URL(catcher.origin).host},127.0.0.1:${smtp.port}`;
  const add = async (name: string, kind: 'webhook' | 'slack' | 'teams' | 'email', config: object, secret: object) => {
    const c = await w.store.createAlertChannel(w.org, { kind, name, config: { ...config }, secret: { ...secret } });
    channels[name] = c.id;
    await w.store.addAlertRule(w.org, { channelId: c.id, controlIds: [CONTROL] });
  };
  await add('hook', 'webhook', { url: `${catcher.origin}/hook` }, { signingSecret: SIGNING });
  await add('slack', 'slack', {}, { url: `${catcher.origin}/slack/T0/B0/token` });
  await add('teams', 'teams', {}, { url: `${catcher.origin}/teams/flow/token` });
  await add('down', 'webhook', { url: `${catcher.origin}/down` }, { signingSecret: SIGNING });
  await add(
    'mail',
    'email',
    { host: '127.0.0.1', port: smtp.port, secure: false, from: 'alerts@acme.example', to: ['soc@northwind.example'] },
    {},
  );
  workerOptions = {
    egress: egressPolicy(`${w.sims.allowedEndpoints},${loopback}`),
    alerts: {
      publicOrigin: ORIGIN,
      retry: { attempts: 3, backoffMs: 50 },
      sweep: { intervalMs: 300, graceMs: 1_000 },
    },
  };
  worker = await w.start(workerOptions);
}, 120_000);
afterAll(async () => {
  await w?.close();
  await catcher?.close();
  await smtp?.close();
});

const deliveries = () => w.store.listAlertDeliveries(w.org, { tenantId: tenant });
const settled = async () =>
  poll('every alert to settle', async () => {
    const rows = await deliveries();
    return rows.length > 0 && rows.every((r) => r.status !== 'pending') ? rows : undefined;
  });

describe('alerts through a running worker', () => {
  it('a regression reaches every channel exactly once; a channel answering 500 is retried, then dead-lettered', async () => {
    const first = await assess();
    expect(first.find((r) => r.controlId === CONTROL)?.status).toBe('pass');
    expect(await deliveries()).toEqual([]);

    w.sims.github!.faults.set('northwind', { serverErrorShare: 1 });
    const second = await assess();
    w.sims.github!.faults.set('northwind', {});
    expect(second.find((r) => r.controlId === CONTROL)?.status).toBe('unknown');

    const rows = await settled();
    expect(rows).toHaveLength(5);
    const byChannel = new Map(rows.map((r) => [r.channelId, r]));
    for (const name of ['hook', 'slack', 'teams', 'mail']) {
      expect(byChannel.get(channels[name]!)).toMatchObject({ status: 'delivered', attempts: 1 });
    }
    expect(byChannel.get(channels.down!)).toMatchObject({
      status: 'dead',
      attempts: 3,
      lastError: expect.stringContaining('500'),
    });
    expect(catcher.requests.filter((r) => r.path === '/down')).toHaveLength(3);

    // Let the sweeper pass a few times: nothing is sent again.
    await new Promise((r) => setTimeout(r, 1_500));
    const [hook] = await catcher.waitFor('/hook', 1);
    expect(catcher.requests.filter((r) => r.path === '/hook')).toHaveLength(1);
    expect(catcher.requests.filter((r) => r.path.startsWith('/slack/'))).toHaveLength(1);
    expect(catcher.requests.filter((r) => r.path.startsWith('/teams/'))).toHaveLength(1);
    expect(smtp.mails).toHaveLength(1);

    const signature = String(hook!.headers['x-evident-signature']).replace(/^sha256=/, '');
    const expected = createHmac('sha256', SIGNING).update(hook!.body).digest();
    expect(timingSafeEqual(Buffer.from(signature, 'hex'), expected)).toBe(true);
    const body = alertMessage.parse(JSON.parse(hook!.body));
    expect(body).toMatchObject({
      type: 'control.regressed',
      transition: 'pass_to_unknown',
      organization: { id: w.org, name: 'Acme MSP' },
      tenant: { id: tenant, name: 'northwind' },
      control: { id: CONTROL },
      url: `${ORIGIN}/tenants/${tenant}/controls/${CONTROL}`,
    });
    expect(body.reason).toContain('provider_error');
    expect(hook!.headers['idempotency-key']).toBe(byChannel.get(channels.hook!)!.id);
    expect(smtp.mails[0]!.parsed.messageId).toBe(`<${byChannel.get(channels.mail!)!.id}@acme.example>`);
    expect(smtp.mails[0]!.parsed.text).toContain(body.url);
    expect(hook!.body).not.toContain(SIGNING);
  });

  it('delivers rows whose enqueue never happened (a crash between commit and enqueue) through the sweeper', async () => {
    const before = catcher.requests.length;
    const latest = await w.store.latestResults(w.org, tenant);
    const later = new Date(Date.now() + 2 * 3_600_000).toISOString();
    const run = await w.store.createRun(w.org, { tenantId: tenant, trigger: 'manual', startedAt: new Date() });
    const results: ControlResult[] = latest!.results.map((r) => ({
      ...r,
      status: r.controlId === CONTROL ? 'pass' : r.status,
      evaluatedAt: later,
    }));
    // The store commits the verdicts and their outbox rows; nothing is enqueued, as if the worker died right here.
    const { alerts } = await w.store.writeResults(w.org, run.id, results);
    expect(alerts).toHaveLength(5);
    await settled();
    await catcher.waitFor('/hook', 2);
    await smtp.waitFor(2);
    const recovered = alertMessage.parse(JSON.parse(catcher.requests.filter((r) => r.path === '/hook')[1]!.body));
    expect(recovered).toMatchObject({ type: 'control.recovered', transition: 'recovered_to_pass' });
    await new Promise((r) => setTimeout(r, 1_000));
    const sent = catcher.requests.slice(before);
    expect(sent.filter((r) => r.path === '/hook')).toHaveLength(1);
    expect(sent.filter((r) => r.path.startsWith('/slack/'))).toHaveLength(1);
    expect(sent.filter((r) => r.path.startsWith('/teams/'))).toHaveLength(1);
    expect(smtp.mails).toHaveLength(2);
  });

  it('retries a dead-lettered row on request, once', async () => {
    catcher.answer('/down', 200);
    const dead = (await deliveries()).filter((r) => r.status === 'dead');
    expect(dead.length).toBeGreaterThan(0);
    for (const row of dead) await retryAlertDelivery(w.store, w.jobs, w.org, row.id);
    await settled();
    expect((await deliveries()).filter((r) => r.status === 'dead')).toEqual([]);
  });

  it('sends again under the same idempotency key when the worker stops mid-delivery, and records it once', async () => {
    catcher.answer('/slow', 200, 'ok', 30_000);
    const slow = await w.store.createAlertChannel(w.org, {
      kind: 'webhook',
      name: 'slow',
      config: { url: `${catcher.origin}/slow` },
      secret: { signingSecret: SIGNING },
    });
    await w.store.addAlertRule(w.org, { channelId: slow.id, controlIds: [CONTROL] });
    const latest = await w.store.latestResults(w.org, tenant);
    const run = await w.store.createRun(w.org, { tenantId: tenant, trigger: 'manual', startedAt: new Date() });
    const results: ControlResult[] = latest!.results.map((r) => ({
      ...r,
      status: r.controlId === CONTROL ? 'fail' : r.status,
      evaluatedAt: new Date(Date.now() + 4 * 3_600_000).toISOString(),
    }));
    await w.store.writeResults(w.org, run.id, results);
    const [first] = await catcher.waitFor('/slow', 1);
    await worker.close(200);
    catcher.answer('/slow', 200);
    worker = await w.start(workerOptions);
    const row = await poll('the slow delivery', async () => {
      const rows = await w.store.listAlertDeliveries(w.org, { tenantId: tenant });
      const r = rows.find((d) => d.channelId === slow.id);
      return r?.status === 'delivered' ? r : undefined;
    });
    const sent = catcher.requests.filter((r) => r.path === '/slow');
    expect(sent).toHaveLength(2);
    expect(sent.map((r) => r.headers['idempotency-key'])).toEqual([row.id, row.id]);
    expect(sent[1]!.body).toBe(first!.body);
    expect(row.attempts).toBe(1);
  });
});
