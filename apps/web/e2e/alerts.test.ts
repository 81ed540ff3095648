import { alertMessage } from '@evident/alerts';
import { egressPolicy } from '@evident/connector-kit';
import type { OrganizationId } from '@evident/core';
import { openTestDatabase, type TestDatabase } from '@evident/db/testing';
import { createLogger, type RunningWorker, startWorker } from '@evident/pipeline';
import {
  type SmtpSimulator,
  startSmtpSimulator,
  startWebhookCatcher,
  type WebhookCatcher,
} from '@evident/simulators/alerts';
import { type PsaSimulator, startHaloPsaSimulator } from '@evident/simulators/psa';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { checkA11y, launch, screenshots, signUp } from './browser.ts';
import { buildWebApp, startServerProcess } from './server.ts';

const PASSWORD = 'correct horse battery staple';
const SIGNING = 'a-signing-secret-typed-in-the-browser-0001';

describe('alert channels, rules, test sends and the delivery log in Chromium', () => {
  let db: TestDatabase;
  let catcher: WebhookCatcher;
  let smtp: SmtpSimulator;
  let halo: PsaSimulator;
  let host: Awaited<ReturnType<typeof startServerProcess>>;
  let worker: RunningWorker;
  let owner: Awaited<ReturnType<typeof launch>>;
  let page: Page;
  let tenantId = '';
  let org: OrganizationId;

  beforeAll(async () => {
    buildWebApp();
    db = await openTestDatabase('pg');
    catcher = await startWebhookCatcher();
    smtp = await startSmtpSimulator();
    halo = await startHaloPsaSimulator({
      clientId: 'halo-client',
      clientSecret: 'halo-secret',
      tenant: 'northwind',
      companies: [{ id: 19, name: 'Contoso Holdings', identifier: 'Contoso' }],
    });
    const allowed = `${new URL(catcher.origin).host},${smtp.host}:${smtp.port},${new URL(halo.origin).host}`;
    const prefix = `e2e-alerts-${process.pid}-${Date.now()}`;
    host = await startServerProcess(db, prefix, { EVIDENT_ALLOWED_ENDPOINTS: allowed });
    // The delivery worker, as `evident-worker` runs it, on the server's queues.
    worker = await startWorker({
      store: db.store,
      database: db.database,
      redis: 'redis://127.0.0.1:6379',
      prefix,
      egress: egressPolicy(allowed),
      logger: createLogger({ level: 'silent' }),
      alerts: { publicOrigin: host.url, sweep: { intervalMs: 500, graceMs: 2_000 } },
    });
    owner = await launch();
    page = await owner.context.newPage();
    await signUp(page, host.url, 'Northwind MSP', 'owner@northwind.example', PASSWORD);
    await page.getByRole('button', { name: /I have saved them/ }).click();
    await page.getByRole('heading', { name: 'Portfolio' }).waitFor();
    const me = await page.evaluate(async () => (await (await fetch('/trpc/auth.me')).json()).result.data);
    org = me.organization.id as OrganizationId;
    const tenant = await db.store.createTenant(org, { name: 'Contoso Ltd', kind: 'customer' });
    tenantId = tenant.id;
    const run = await db.store.createRun(org, { tenantId: tenant.id, trigger: 'manual' });
    await db.store.finishRun(org, run.id, { status: 'succeeded' });
  }, 240_000);

  afterAll(async () => {
    await owner?.close();
    await worker?.close(1_000);
    await host?.close();
    await catcher?.close();
    await smtp?.close();
    await halo?.close();
    await db?.close();
  });

  const addChannel = async (kind: string, name: string) => {
    await page.getByRole('button', { name: 'Add a channel' }).click();
    await page.getByLabel('Kind').selectOption(kind);
    await page.getByLabel('Name', { exact: true }).fill(name);
  };

  test('a webhook to a private or metadata address is refused in words, and nothing is saved', async () => {
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('link', { name: 'Alerts' }).click();
    await page.getByRole('heading', { name: 'Settings: Alerts', level: 1 }).waitFor();
    await page.getByText('No channel yet').waitFor();
    await addChannel('webhook', 'SOC hook');
    await page.getByLabel('Signing Secret').fill(SIGNING);
    for (const [url, words] of [
      ['http://169.254.169.254/latest/meta-data', '169.254.169.254 is a link-local address'],
      ['https://10.0.0.5/hook', '10.0.0.5:443 is a private address not in EVIDENT_ALLOWED_ENDPOINTS'],
    ] as const) {
      await page.getByLabel('Url', { exact: true }).fill(url);
      await page.getByRole('button', { name: 'Save channel' }).click();
      const alert = page.getByRole('alert');
      await expect.poll(() => alert.textContent()).toContain(words);
      expect(await alert.textContent()).toContain('egress policy');
      expect(await alert.textContent()).not.toContain('"code"');
    }
    expect(await db.store.listAlertChannels(org)).toEqual([]);
  });

  test('sets up a webhook and an e-mail channel and a rule', async () => {
    await page.getByLabel('Url', { exact: true }).fill(`${catcher.origin}/hook`);
    await page.getByRole('button', { name: 'Save channel' }).click();
    await page.getByRole('listitem', { name: 'Channel SOC hook' }).waitFor();

    await addChannel('email', 'SOC mail');
    await page.getByLabel('Host', { exact: true }).fill(smtp.host);
    await page.getByLabel('Port', { exact: true }).fill(String(smtp.port));
    await page.getByLabel('From', { exact: true }).fill('alerts@northwind.example');
    await page.getByLabel('To', { exact: true }).fill('soc@contoso.example');
    await page.getByRole('button', { name: 'Save channel' }).click();
    await page.getByRole('listitem', { name: 'Channel SOC mail' }).waitFor();
    const stored = await db.store.listAlertChannels(org);
    expect(stored.map((c) => c.kind).sort()).toEqual(['email', 'webhook']);
    expect(JSON.stringify(stored)).not.toContain(SIGNING);

    for (const channel of ['SOC hook', 'SOC mail']) {
      await page.getByRole('button', { name: 'Add a rule' }).click();
      await page.getByLabel('Channel', { exact: true }).selectOption({ label: channel });
      await page.getByLabel('A control passes again').check();
      await page.getByLabel('A passing control fails, partially passes or can no longer be proven').check();
      await page.getByRole('button', { name: 'Save rule' }).click();
      await page.getByRole('listitem', { name: `Rule to ${channel}` }).waitFor();
    }
    await checkA11y(page, 'alert settings');
    await screenshots(page, 'settings-alerts');
  });

  test('sends a test to each channel through the worker; the log and the receivers agree', async () => {
    await page.getByRole('button', { name: 'Send a test to SOC hook' }).click();
    await page.getByRole('button', { name: 'Send a test to SOC mail' }).click();
    const log = page.getByRole('table', { name: 'Delivery log' });
    await expect.poll(() => log.getByText('Delivered').count(), { timeout: 30_000, interval: 500 }).toBe(2);

    const [hook] = await catcher.waitFor('/hook', 1);
    const body = alertMessage.parse(JSON.parse(hook!.body));
    expect(body).toMatchObject({ tenant: { id: tenantId, name: 'Contoso Ltd' }, organization: { id: org } });
    expect(body.reason).toContain('Test alert sent by owner@northwind.example');
    const [mail] = await smtp.waitFor(1);
    expect(mail!.envelope.to).toEqual(['soc@contoso.example']);
    expect(mail!.parsed.subject).toContain('[Evident] Contoso Ltd');
    expect(await log.getByText('Test:').count()).toBe(2);
  });

  test('a refused delivery is dead-lettered with its error, and retried from the log', async () => {
    catcher.answer('/hook', 410, 'gone');
    await page.getByRole('button', { name: 'Send a test to SOC hook' }).click();
    const log = page.getByRole('table', { name: 'Delivery log' });
    await expect.poll(() => log.getByText('Dead letter').count(), { timeout: 30_000, interval: 500 }).toBe(1);
    expect(await log.textContent()).toContain('answered 410');
    catcher.answer('/hook', 200);
    await page.getByRole('button', { name: 'Retry the delivery to SOC hook' }).click();
    await expect.poll(() => log.getByText('Delivered').count(), { timeout: 30_000, interval: 500 }).toBe(3);
    await catcher.waitFor('/hook', 3);
  });

  test("the tenant's page lists the alerts sent for it", async () => {
    await page.goto(`${host.url}/tenants/${tenantId}`);
    const sent = page.getByRole('table', { name: 'Alerts sent' });
    await expect.poll(() => sent.getByRole('row').count(), { timeout: 10_000 }).toBe(4);
    expect(await sent.textContent()).toContain('SOC mail');
  });

  test('edits every field of a rule in place', async () => {
    await page.goto(`${host.url}/settings/alerts`);
    const rule = page.getByRole('listitem', { name: 'Rule to SOC mail' });
    await rule.getByRole('button', { name: 'Edit rule' }).click();
    const form = page.getByRole('form', { name: 'Edit the rule' });
    await form.getByLabel('Tenant', { exact: true }).selectOption({ label: 'Contoso Ltd' });
    await form.getByLabel('A control passes again').uncheck();
    await form.getByLabel('An exception expires within 7 days').check();
    await form.getByRole('button', { name: 'Save rule' }).click();
    const edited = page.getByRole('listitem', { name: 'Rule to SOC mail for Contoso Ltd' });
    await edited.waitFor();
    expect(await edited.textContent()).toContain('exception.expiring');
    const stored = (await db.store.listAlertRules(org)).filter((r) => r.tenantId === tenantId);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.eventTypes.sort()).toEqual(['control.regressed', 'exception.expiring']);
  });

  test('maps the tenant to its PSA company; an unknown company is refused in words and saves nothing', async () => {
    const channel = await db.store.createAlertChannel(org, {
      kind: 'halopsa',
      name: 'Halo desk',
      config: {
        authServer: `${halo.origin}/auth`,
        resourceServer: halo.origin,
        tenant: 'northwind',
        clientId: 'halo-client',
      },
      secret: { clientSecret: 'halo-secret' },
    });
    await page.goto(`${host.url}/settings/alerts`);
    const form = page.getByRole('form', { name: 'Map a tenant on Halo desk' });
    await form.getByLabel('Tenant', { exact: true }).selectOption({ label: 'Contoso Ltd' });
    await form.getByLabel('Company id in the PSA').fill('404');
    await form.getByRole('button', { name: 'Map' }).click();
    const section = page.getByRole('region', { name: 'PSA companies of Halo desk' });
    await section.getByText('halopsa has no company "404"').first().waitFor();
    expect(await db.store.listAlertPsaCompanies(org, channel.id)).toEqual([]);

    await form.getByLabel('Company id in the PSA').fill('19');
    await form.getByRole('button', { name: 'Map' }).click();
    await section.getByTestId('psa-company').waitFor();
    expect(await section.getByTestId('psa-company').textContent()).toContain('Contoso Ltd → Contoso Holdings');
    expect(await db.store.listAlertPsaCompanies(org, channel.id)).toMatchObject([
      { tenantId, companyId: '19', companyName: 'Contoso Holdings' },
    ]);
    await checkA11y(page, 'alert settings with a PSA channel');
  });
});
