import type { OrganizationId } from '@evident/core';
import { openTestDatabase, type TestDatabase } from '@evident/db/testing';
import { combinePresets, type Simulators, scenario, startSimulators } from '@evident/simulators';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { checkA11y, launch, screenshots, signUp } from './browser.ts';
import { buildWebApp, startServerProcess } from './server.ts';

const healthy = combinePresets(['healthy']);
/** Northwind has all three providers; Tailspin's GitHub App and Litware's token without read:org are GitHub's edges. */
const world = scenario.parse({
  ...healthy,
  tenants: [
    ...healthy.tenants,
    { name: 'tailspin', github: { org: 'tailspin', members: 3, credential: 'app' } },
    { name: 'litware', github: { org: 'litware', members: 3, tokenScopes: ['read:audit_log'] } },
  ],
});

describe('connection forms a person can fill, in Chromium', () => {
  let db: TestDatabase;
  let sims: Simulators;
  let host: Awaited<ReturnType<typeof startServerProcess>>;
  let browser: Awaited<ReturnType<typeof launch>>;
  let page: Page;

  beforeAll(async () => {
    buildWebApp();
    db = await openTestDatabase('pg');
    sims = await startSimulators(world, { throttleScale: 0.01 });
    host = await startServerProcess(db, undefined, { EVIDENT_ALLOWED_ENDPOINTS: sims.allowedEndpoints });
    browser = await launch();
    page = await browser.context.newPage();
    await signUp(page, host.url, 'Contoso MSP', 'owner@forms.example', 'correct horse battery staple');
    await page.getByRole('button', { name: /I have saved them/ }).click();
    await page.getByText('New tenant').click();
    await page.getByLabel('Tenant name').fill('Northwind');
    await page.getByRole('button', { name: 'Create tenant' }).click();
    await page.getByRole('heading', { name: 'Northwind', level: 1 }).waitFor();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await sims?.close();
    await db?.close();
  });

  const sim = (tenant: string, kind: string) => sims.connections(tenant).find((c) => c.kind === kind)!;
  const orgId = async () =>
    (await page.evaluate(async () => (await (await fetch('/trpc/auth.me')).json()).result.data)).organization
      .id as OrganizationId;
  const stored = async (name: string) => {
    const org = await orgId();
    const c = (await db.store.listConnections(org)).find((x) => x.name === name)!;
    return { ...c, secret: await db.store.readSecret(org, c.id) };
  };
  const card = (name: string) =>
    page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: new RegExp(`^${name} `) }) });
  const startAdding = async (provider: string, name: string) => {
    await page.getByRole('button', { name: 'Add a connection' }).click();
    await page.getByLabel('Provider').selectOption({ label: provider });
    await page.getByLabel('Name', { exact: true }).fill(name);
    await page.getByRole('heading', { name: `${provider}: what this needs` }).waitFor();
  };

  test('Microsoft Entra ID: titles, help and the az commands; lists one per line; a PEM and a secret', async () => {
    const { config, secret } = sim('northwind', 'entra') as unknown as {
      config: { tenantId: string; clientId: string; breakGlass: string[]; endpoints: Record<string, string> };
      secret: { clientSecret: string };
    };
    await startAdding('Microsoft Entra ID', 'northwind-entra');
    await page.getByText('az ad app create', { exact: false }).first().waitFor({ state: 'attached' });
    await page.getByLabel('Tenant ID', { exact: true }).fill(config.tenantId);
    await page.getByLabel('Application (client) ID', { exact: true }).fill(config.clientId);
    await page.getByLabel('Break-glass accounts (optional)').fill(config.breakGlass.join('\n'));
    await page.getByLabel('Microsoft Graph (optional)').fill(config.endpoints.graph!);
    await page.getByLabel('Identity platform (optional)').fill(config.endpoints.login!);
    await page.getByLabel('Azure Resource Manager (optional)').fill(config.endpoints.arm!);
    const ca = page.getByLabel('Extra CA certificate (optional)');
    expect(await ca.evaluate((e) => e.tagName)).toBe('TEXTAREA');
    await ca.fill(config.endpoints.caCert!);
    const clientSecret = page.getByLabel('Client secret', { exact: true });
    expect(await clientSecret.getAttribute('type')).toBe('password');
    await clientSecret.fill(secret.clientSecret);
    const text = (await page.getByRole('form', { name: 'Add a connection' }).textContent()) ?? '';
    for (const raw of ['Msp Domains', 'Arm', 'Client Secret', 'Tenant Id']) expect(text).not.toContain(raw);
    await checkA11y(page, 'Entra connection form');
    await screenshots(page, 'connection-form-entra');

    await page.getByRole('button', { name: 'Save connection' }).click();
    await card('northwind-entra').waitFor();
    const saved = await stored('northwind-entra');
    expect(saved.config).toMatchObject({
      breakGlass: config.breakGlass,
      endpoints: { caCert: config.endpoints.caCert },
    });
    expect(saved.secret).toEqual({ credential: 'clientSecret', ...secret });
    expect(await page.content()).not.toContain(secret.clientSecret);
  }, 120_000);

  test('edits keep the stored secret; a credential-bound change names the field and asks for it again', async () => {
    const { secret } = sim('northwind', 'entra') as unknown as { secret: { clientSecret: string } };
    await page.getByRole('button', { name: 'Edit northwind-entra' }).click();
    const form = page.getByRole('form', { name: 'Edit northwind-entra' });
    await form.getByText('Credentials (leave blank to keep the stored ones)').waitFor();
    await page.getByLabel('Break-glass accounts (optional)').fill('breakglass@northwind.example');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await card('northwind-entra').waitFor();
    await form.waitFor({ state: 'detached' });
    const edited = await stored('northwind-entra');
    expect(edited.config).toMatchObject({ breakGlass: ['breakglass@northwind.example'] });
    expect(edited.secret).toEqual({ credential: 'clientSecret', ...secret });

    await page.getByRole('button', { name: 'Edit northwind-entra' }).click();
    const tenantId = page.getByLabel('Tenant ID', { exact: true });
    await tenantId.fill('someone-else.onmicrosoft.com');
    const alert = page.getByRole('alert').filter({ hasText: 'You changed Tenant ID' });
    await alert.waitFor();
    expect(await alert.textContent()).toContain('enter the credentials again');
    expect(
      await page.getByLabel('Client secret', { exact: true }).evaluate((e) => (e as HTMLInputElement).required),
    ).toBe(true);
    await checkA11y(page, 'edit with a credential-bound change');
    await page.getByRole('button', { name: 'Save changes' }).click();
    expect((await stored('northwind-entra')).config).toMatchObject({ tenantId: edited.config.tenantId });
    await page.getByRole('button', { name: 'Cancel' }).click();
  }, 120_000);

  test('GitHub App: a malformed PEM is refused in words; the key from the App settings page is saved', async () => {
    const { config, secret } = sim('tailspin', 'github') as unknown as {
      config: { org: string; endpoints: { api: string } };
      secret: { appId: number; installationId: number; privateKey: string };
    };
    await startAdding('GitHub', 'tailspin-github');
    await page.getByLabel('Organization', { exact: true }).fill(config.org);
    await page.getByLabel('REST API (optional)').fill(config.endpoints.api);
    await page.getByLabel('Credential').selectOption({ label: 'GitHub App' });
    await page.getByLabel('App ID', { exact: true }).fill(String(secret.appId));
    await page.getByLabel('Installation ID', { exact: true }).fill(String(secret.installationId));
    const key = page.getByLabel('Private key', { exact: true });
    expect(await key.evaluate((e) => e.tagName)).toBe('TEXTAREA');
    await key.fill('ssh-rsa AAAAB3NzaC1yc2E not a private key');
    await page.getByRole('button', { name: 'Save connection' }).click();
    const refusal = page.getByRole('alert').filter({ hasText: 'The credentials are not valid' });
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain('Private key: expected a PEM private key');
    expect(await refusal.textContent()).not.toMatch(/secret\.privateKey|Invalid input|regex/);
    await checkA11y(page, 'a refused PEM');
    expect(await db.store.listConnections(await orgId())).toHaveLength(1);

    await key.fill(secret.privateKey);
    await page.getByRole('button', { name: 'Save connection' }).click();
    await card('tailspin-github').waitFor();
    expect((await stored('tailspin-github')).secret).toMatchObject({ kind: 'app', appId: secret.appId });
  }, 120_000);

  test('Google Cloud: resources one per line, the simulator over plain text, the JSON key pasted whole', async () => {
    const { config, secret } = sim('northwind', 'gcp-logging') as unknown as {
      config: { resources: string[]; endpoints: { logging: string; resourceManager: string } };
      secret: { serviceAccountKey: Record<string, unknown> };
    };
    await startAdding('Google Cloud Logging', 'northwind-gcp');
    await page.getByLabel('Projects, folders and organizations', { exact: true }).fill(config.resources.join('\n'));
    await page.getByLabel('Cloud Logging (optional)').fill(config.endpoints.logging);
    await page.getByLabel('Resource Manager (optional)').fill(config.endpoints.resourceManager);
    await page.getByRole('checkbox', { name: /Plain text, no credentials/ }).check();
    await page
      .getByLabel('Service account key (JSON) (optional)')
      .fill(JSON.stringify(secret.serviceAccountKey, null, 2));
    expect(await page.getByLabel(/client.email/i).count()).toBe(0);
    await checkA11y(page, 'Google Cloud connection form');
    await page.getByRole('button', { name: 'Save connection' }).click();
    await card('northwind-gcp').waitFor();
    const saved = await stored('northwind-gcp');
    expect(saved.config).toMatchObject({ resources: config.resources, endpoints: { insecure: true } });
    expect(saved.secret).toMatchObject({ serviceAccountKey: { client_email: secret.serviceAccountKey.client_email } });
  }, 120_000);

  test('a failed check blocks saving; "Save anyway" saves it as needing attention, never healthy', async () => {
    const { config, secret } = sim('litware', 'github') as unknown as {
      config: { org: string; endpoints: { api: string } };
      secret: { token: string };
    };
    await startAdding('GitHub', 'litware-github');
    await page.getByLabel('Organization', { exact: true }).fill(config.org);
    await page.getByLabel('REST API (optional)').fill(config.endpoints.api);
    await page.getByLabel('Credential').selectOption({ label: 'Personal access token (classic)' });
    await page.getByLabel('Token', { exact: true }).fill(secret.token);
    await page.getByRole('button', { name: 'Save connection' }).click();
    const check = page.getByRole('status', { name: 'Access check' });
    await check.getByText(/^Not saved/).waitFor();
    expect(await check.textContent()).toMatch(/Missing — read:org/);
    expect((await db.store.listConnections(await orgId())).map((c) => c.name)).not.toContain('litware-github');
    await checkA11y(page, 'a failed check');
    await screenshots(page, 'connection-save-anyway');

    await page.getByRole('button', { name: 'Save anyway' }).click();
    const saved = card('litware-github');
    await saved.waitFor();
    expect(await saved.textContent()).toMatch(/Needs attention — Saved although the access check failed: .*read:org/);
    expect(await saved.textContent()).not.toContain('Healthy');
    expect((await stored('litware-github')).status).toBe('needs_attention');
  }, 120_000);
});
