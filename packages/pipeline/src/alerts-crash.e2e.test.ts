import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { alertMessage } from '@evident/alerts';
import { egressPolicy } from '@evident/connector-kit';
import type { ControlResult, TenantId } from '@evident/core';
import { enqueueAlertDeliveries } from '@evident/jobs';
import {
  type SmtpSimulator,
  startSmtpSimulator,
  startWebhookCatcher,
  type WebhookCatcher,
} from '@evident/simulators/alerts';
import { type PsaSimulator, startHaloPsaSimulator } from '@evident/simulators/psa';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { mapPsaCompany, openRun, waitForRun } from './index.ts';
import { type PrivateRedis, startPrivateRedis } from './testing/redis-server.ts';
import { openWorld, type World } from './testing/world.ts';

const SIGNING = 'a-crash-test-signing-secret-of-32-chars';
const ORIGIN = 'https://evident.example.com';
const CONTROL = 'MFA-07';
const HALO = { clientId: 'evident', clientSecret: 'halo-secret', tenant: 'acme' };

let redis: PrivateRedis;
let w: World;
let catcher: WebhookCatcher;
let smtp: SmtpSimulator;
let halo: PsaSimulator;
let tenant: TenantId;
let child: ChildProcess | undefined;
let childSettings: string;

async function poll<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The delivery worker as a child process: SIGKILL leaves no chance to finish or release anything. */
async function startChild(): Promise<ChildProcess> {
  const file = fileURLToPath(new URL('./alerts-worker.fixture.ts', import.meta.url));
  const c = spawn(process.execPath, ['--import', 'tsx', file, childSettings], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    c.stdout!.on('data', (d: Buffer) => String(d).includes('ready') && resolve());
    c.once('exit', (code) => reject(new Error(`the worker exited with ${code}`)));
  });
  return c;
}

const kill = async (c: ChildProcess) => {
  const gone = new Promise((r) => c.once('exit', r));
  c.kill('SIGKILL');
  await gone;
};

beforeAll(async () => {
  redis = await startPrivateRedis();
  w = await openWorld(['healthy'], 'pg', { redisUrl: redis.url });
  tenant = w.tenants.get('northwind')!;
  catcher = await startWebhookCatcher();
  smtp = await startSmtpSimulator();
  halo = await startHaloPsaSimulator({ ...HALO, companies: [{ id: 42, name: 'Northwind Traders' }] });
  const allowed = [
    w.sims.allowedEndpoints,
    new URL(catcher.origin).host,
    `127.0.0.1:${smtp.port}`,
    new URL(halo.origin).host,
  ].join(',');
  const add = async (
    name: string,
    kind: 'webhook' | 'slack' | 'teams' | 'email' | 'halopsa',
    config: object,
    secret: object,
  ) => {
    const c = await w.store.createAlertChannel(w.org, { kind, name, config: { ...config }, secret: { ...secret } });
    await w.store.addAlertRule(w.org, { channelId: c.id, controlIds: [CONTROL] });
    return c.id;
  };
  await add('hook', 'webhook', { url: `${catcher.origin}/hook` }, { signingSecret: SIGNING });
  await add('slack', 'slack', {}, { url: `${catcher.origin}/slack/T0/B0/token` });
  await add('teams', 'teams', {}, { url: `${catcher.origin}/teams/flow/token` });
  await add(
    'mail',
    'email',
    { host: '127.0.0.1', port: smtp.port, secure: false, from: 'alerts@acme.example', to: ['soc@northwind.example'] },
    {},
  );
  const psa = await add(
    'halo',
    'halopsa',
    {
      authServer: `${halo.origin}/auth`,
      resourceServer: halo.origin,
      tenant: HALO.tenant,
      clientId: HALO.clientId,
      closeOnRecovery: true,
    },
    { clientSecret: HALO.clientSecret },
  );
  const egress = egressPolicy(allowed);
  await expect(
    mapPsaCompany(w.store, egress, w.org, { channelId: psa, tenantId: tenant, company: '41' }),
  ).rejects.toThrow('halopsa has no company "41"');
  expect(await w.store.listAlertPsaCompanies(w.org, psa)).toEqual([]);
  await mapPsaCompany(w.store, egress, w.org, { channelId: psa, tenantId: tenant, company: '42' });

  const named = (await w.db.database.drizzle.execute(sql`select current_database() as name`)) as unknown;
  const [db] = (named as { rows: { name: string }[] }).rows;
  childSettings = JSON.stringify({
    databaseUrl: `postgres://postgres@127.0.0.1:5432/${db!.name}`,
    key: w.db.key,
    redisUrl: redis.url,
    prefix: w.prefix,
    allowed,
    publicOrigin: ORIGIN,
  });
  // The baseline assessment runs in this process; alerts are delivered by the child alone.
  await w.start({ egress });
  const run = await openRun(w.store, w.jobs, { organizationId: w.org, tenantId: tenant, trigger: 'manual' });
  await waitForRun(w.store, w.org, run.id, { timeoutMs: 60_000 });
}, 180_000);
afterAll(async () => {
  if (child && child.exitCode === null) await kill(child);
  await w?.close();
  await redis?.close();
  await catcher?.close();
  await smtp?.close();
  await halo?.close();
});

/** Stores a verdict of `CONTROL` as if assessed `hours` from now, and enqueues its alerts. */
async function verdict(status: ControlResult['status'], hours: number) {
  const latest = await w.store.latestResults(w.org, tenant);
  const run = await w.store.createRun(w.org, { tenantId: tenant, trigger: 'manual', startedAt: new Date() });
  const results: ControlResult[] = latest!.results.map((r) => ({
    ...r,
    status: r.controlId === CONTROL ? status : r.status,
    evaluatedAt: new Date(Date.now() + hours * 3_600_000).toISOString(),
  }));
  const { alerts } = await w.store.writeResults(w.org, run.id, results);
  await enqueueAlertDeliveries(w.jobs, w.org, alerts, { attempts: 3, backoffMs: 200 });
  return alerts;
}

const settled = (n: number) =>
  poll(
    `${n} alerts to settle`,
    async () => {
      const rows = await w.store.listAlertDeliveries(w.org, { tenantId: tenant });
      return rows.length === n && rows.every((r) => r.status === 'delivered') ? rows : undefined;
    },
    120_000,
  );
const at = (prefix: string) => catcher.requests.filter((r) => r.path.startsWith(prefix));

it('a regression and its recovery reach each channel once, through a SIGKILLed worker and a Redis restart', async () => {
  child = await startChild();
  // The webhook and the PSA act but do not answer: the worker dies between their work and its record.
  catcher.answer('/hook', 200, 'ok', 60_000);
  halo.answerLate('POST', /^\/api\/tickets$/, 60_000);
  const regression = await verdict('fail', 2);
  expect(regression).toHaveLength(5);
  await catcher.waitFor('/hook', 1, 30_000);
  await poll('the ticket to exist in the PSA', async () => halo.tickets().length === 1);
  await poll('the other channels to be recorded', async () => {
    const rows = await w.store.listAlertDeliveries(w.org, { tenantId: tenant });
    return rows.filter((r) => r.status === 'delivered').length === 3;
  });
  await kill(child);
  await redis.kill('SIGKILL');
  catcher.answer('/hook', 200);
  halo.answerLate('POST', /x^/, 0);
  await redis.restart();
  child = await startChild();
  const rows = await settled(5);
  expect(rows.every((r) => r.attempts === 1)).toBe(true);

  const hooks = at('/hook');
  expect(new Set(hooks.map((h) => h.headers['idempotency-key'])).size).toBe(1);
  expect(hooks.every((h) => h.body === hooks[0]!.body)).toBe(true);
  expect(alertMessage.parse(JSON.parse(hooks[0]!.body))).toMatchObject({
    type: 'control.regressed',
    control: { id: CONTROL },
  });
  expect(at('/slack/')).toHaveLength(1);
  expect(at('/teams/')).toHaveLength(1);
  expect(smtp.mails).toHaveLength(1);
  const [ticket] = halo.tickets();
  expect(halo.tickets()).toHaveLength(1);
  expect(ticket).toMatchObject({ companyId: 42, closed: false, notes: [] });
  expect(await w.store.listAlertPsaTickets(w.org, { tenantId: tenant })).toMatchObject([
    { ticketId: String(ticket!.id), controlId: CONTROL, closedAt: null },
  ]);

  const recovery = await verdict('pass', 4);
  expect(recovery).toHaveLength(5);
  await settled(10);
  await new Promise((r) => setTimeout(r, 1_500));
  expect(new Set(at('/hook').map((h) => h.headers['idempotency-key'])).size).toBe(2);
  expect(at('/slack/')).toHaveLength(2);
  expect(at('/teams/')).toHaveLength(2);
  expect(smtp.mails).toHaveLength(2);
  const [closed] = halo.tickets();
  expect(halo.tickets()).toHaveLength(1);
  expect(closed).toMatchObject({ closed: true });
  expect(closed!.notes).toHaveLength(1);
  expect(closed!.notes[0]!.text).toContain('passes again');
  expect((await w.store.listAlertPsaTickets(w.org, { tenantId: tenant }))[0]!.closedAt).not.toBeNull();
}, 240_000);
