import { createHash, X509Certificate } from 'node:crypto';
import { egressPolicy } from '@evident/connector-kit';
import type { OrganizationId, TenantId } from '@evident/core';
import { openTestDatabase, type TestDatabase } from '@evident/db/testing';
import { createLogger, startWorker } from '@evident/pipeline';
import { FAST_CONNECTORS, REDIS_URL } from '@evident/pipeline/testing';
import { type Simulators, scenario, startSimulators } from '@evident/simulators';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { checkA11y, launch, screenshots, totp } from './browser.ts';
import { buildWebApp, startServerProcess } from './server.ts';

const PASSWORD = 'correct horse battery staple';
const guid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const PARTNER = guid(1000);

const CUSTOMERS = [
  'Alpine Ski House',
  'Bellows College',
  'Best For You Organics',
  'Coho Winery',
  'Consolidated Messenger',
  'Contoso Pharmaceuticals',
  'Fabrikam Residences',
  'First Up Consultants',
  'Fourth Coffee',
  'Graphic Design Institute',
  'Humongous Insurance',
  'Lamna Healthcare',
  'Lucerne Publishing',
  'Margie’s Travel',
  'Nod Publishers',
  'Northwind Traders',
  'Proseware',
  'Relecloud',
  'School of Fine Art',
  'Woodgrove Bank',
];
/** A GDAP customer whose admin has not consented to the MSP's app: found, but not reachable. */
const UNCONSENTED = 'Tailspin Toys';

const customerWorld = (i: number) => ({
  name: `customer-${i}`,
  entra: {
    tenantId: guid(i + 1),
    domain: `customer${i}.example`,
    users: 6,
    admins: { globalAdministrator: 1 },
    breakGlass: 1,
  },
});

/** The MSP's partner tenant with 21 GDAP customers: 20 consented to its multi-tenant app, one not. */
const world = scenario.parse({
  seed: 11,
  tenants: [
    {
      name: 'contoso-msp',
      entra: {
        tenantId: PARTNER,
        domain: 'contoso-msp.example',
        users: 10,
        partner: {
          relationships: [...CUSTOMERS, UNCONSENTED].map((displayName, i) => ({
            customer: guid(i + 1),
            displayName,
            roles: i === 2 ? ['globalAdministrator'] : ['globalReader', 'securityReader'],
            endsInDays: i === 5 ? 12 : 400,
            consented: displayName !== UNCONSENTED,
          })),
        },
      },
    },
    ...[...CUSTOMERS, UNCONSENTED].map((_, i) => customerWorld(i)),
  ],
});

/** Chromium trusts the Graph simulator's self-signed certificate (its admin-consent page) by its public key. */
function trustSwitch(pem: string): string {
  const spki = new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' });
  return `--ignore-certificate-errors-spki-list=${createHash('sha256').update(spki).digest('base64')}`;
}

describe('an MSP connects its Microsoft customers at scale, in Chromium', () => {
  let db: TestDatabase;
  let sims: Simulators;
  let worker: Awaited<ReturnType<typeof startWorker>>;
  let host: Awaited<ReturnType<typeof startServerProcess>>;
  let browser: Awaited<ReturnType<typeof launch>>;
  let page: Page;
  let origin = '';
  const prefix = `e2e-msp-${process.pid}-${Date.now()}`;

  beforeAll(async () => {
    buildWebApp();
    db = await openTestDatabase('pg');
    sims = await startSimulators(world, { throttleScale: 0.01 });
    worker = await startWorker({
      store: db.store,
      database: db.database,
      redis: REDIS_URL,
      prefix,
      connectors: FAST_CONNECTORS,
      egress: egressPolicy(sims.allowedEndpoints),
      logger: createLogger({ level: 'silent' }),
    });
    host = await startServerProcess(db, prefix, (port) => {
      origin = `http://localhost:${port}`;
      return { PUBLIC_ORIGIN: origin, EVIDENT_ALLOWED_ENDPOINTS: sims.allowedEndpoints };
    });
    browser = await launch([trustSwitch(sims.graph!.caCert)]);
    page = await browser.context.newPage();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await worker?.close();
    await sims?.close();
    await db?.close();
  });

  let clicks = 0;
  const click = async (target: Locator) => {
    clicks++;
    await target.click();
  };
  const choose = async (target: Locator, option: string | { label: string }) => {
    clicks++;
    await target.selectOption(option);
  };
  const orgId = async () =>
    (await page.evaluate(async () => (await (await fetch('/trpc/auth.me')).json()).result.data)).organization
      .id as OrganizationId;
  const census = async () => {
    const org = await orgId();
    return { tenants: await db.store.listTenants(org), connections: await db.store.listConnections(org) };
  };
  /** The MSP app's settings, typed into the form the way an admin copies them from the Entra admin centre. */
  const fillEntraApp = async () => {
    const graph = sims.graph!;
    await page.getByLabel('Application (client) ID', { exact: true }).fill(graph.mspApp.clientId);
    await page.getByLabel('Partner tenant ID', { exact: true }).fill(PARTNER);
    await page.getByLabel('Microsoft Graph (optional)').fill(graph.url);
    await page.getByLabel('Identity platform (optional)').fill(graph.url);
    await page.getByLabel('Azure Resource Manager (optional)').fill(graph.url);
    await page.getByLabel('Extra CA certificate (optional)').fill(graph.caCert);
  };
  const account = (name: string) =>
    page.getByRole('list', { name: 'Provider accounts' }).getByRole('listitem').filter({ hasText: name });

  test('sign-up to 20 GDAP customers imported and assessed, in at most 10 clicks', async () => {
    const started = Date.now();
    await page.goto(`${origin}/`);
    await click(page.getByRole('link', { name: 'Create your organization' }));
    await page.getByLabel('Organization name').fill('Contoso MSP');
    await page.getByLabel('Your email').fill('owner@contoso-msp.example');
    await page.getByLabel('Password').fill(PASSWORD);
    await click(page.getByRole('button', { name: 'Create organization' }));
    await page.getByRole('heading', { name: 'Set up your authenticator' }).waitFor();
    const secret = (await page.getByTestId('totp-secret').textContent()) ?? '';
    await page.getByLabel('Six-digit code from the app').fill(totp(secret));
    await click(page.getByRole('button', { name: 'Confirm' }));
    await click(page.getByRole('button', { name: /I have saved them/ }));
    await page.getByRole('heading', { name: 'Portfolio' }).waitFor();

    await click(page.getByRole('link', { name: 'Connect your customers from a provider account' }));
    await page.getByRole('heading', { name: 'Settings: Integrations' }).waitFor();
    await choose(page.getByLabel('Provider', { exact: true }), 'entra');
    await page.getByLabel('Name', { exact: true }).fill('Contoso partner app');
    await fillEntraApp();
    // A certificate is Microsoft's recommendation, so it is the credential the form starts with.
    expect(await page.getByLabel('Credential', { exact: true }).inputValue()).toBe('certificate');
    const pems = await sims.graph!.mspApp.certificate();
    await page.getByLabel('Certificate', { exact: true }).fill(pems.cert);
    await page.getByLabel('Private key (optional)').fill(pems.key);
    await checkA11y(page, 'new provider account');
    await click(page.getByRole('button', { name: 'Save and find customers' }));

    const found = page.getByRole('status').filter({ hasText: /^Found / });
    await found.waitFor({ timeout: 90_000 });
    expect(await found.textContent()).toBe('Found 21 customers: 20 new and reachable, 1 not reachable.');
    const list = page.getByRole('list', { name: 'Customers found' });
    const row = (name: string) => list.locator(':scope > li').filter({ hasText: name });
    expect(
      await list
        .getByRole('listitem')
        .filter({ has: page.getByRole('checkbox') })
        .count(),
    ).toBe(21);
    expect(await list.getByRole('checkbox', { checked: true }).count()).toBe(20);
    const tailspin = row(UNCONSENTED);
    expect(await tailspin.getByRole('checkbox').isDisabled()).toBe(true);
    expect(await tailspin.textContent()).toMatch(/Not reachable — .*consent/i);
    expect(await row('Best For You Organics').textContent()).toMatch(/Global Administrator/);
    expect(await row('Contoso Pharmaceuticals').textContent()).toMatch(/ends|expires/i);
    await checkA11y(page, 'customers found');
    await screenshots(page, 'msp-customers-found');

    // A phone's width: nothing runs off the side, and the page still passes axe.
    await page.setViewportSize({ width: 390, height: 844 });
    const overflowing = await page.evaluate(() =>
      [...document.querySelectorAll('main *')]
        .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
        .filter((e) => !e.closest('.scroll'))
        .map((e) => `${e.tagName.toLowerCase()}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`)
        .slice(0, 5),
    );
    expect(overflowing).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await checkA11y(page, 'customers found at 390 px');
    await screenshots(page, 'msp-customers-found-390');
    await page.setViewportSize({ width: 1280, height: 860 });

    await click(page.getByRole('button', { name: 'Import 20 customers' }));
    const progress = page.getByRole('progressbar');
    await progress.waitFor();
    const done = page.getByRole('status').filter({ hasText: /^Imported: 20 new tenants/ });
    await done.waitFor({ timeout: 90_000 });
    expect(await progress.getAttribute('value')).toBe('20');

    const { tenants } = await census();
    expect(tenants.map((t) => t.name).sort()).toEqual([...CUSTOMERS].sort());
    await click(page.getByRole('link', { name: 'Open the portfolio' }));
    await page.getByRole('heading', { name: 'Portfolio' }).waitFor();
    const org = await orgId();
    await expect
      .poll(
        async () => {
          const latest = await Promise.all(tenants.map((t) => db.store.latestResults(org, t.id as TenantId)));
          return latest.filter((r) => r && r.results.length > 0).length;
        },
        { timeout: 180_000, interval: 2000 },
      )
      .toBe(20);
    // The portfolio shows every imported customer with a score (a reload, not a click, as a person waiting would).
    await page.reload();
    await page.getByRole('heading', { name: 'Portfolio' }).waitFor();
    for (const name of CUSTOMERS) await page.getByRole('rowheader', { name: new RegExp(name) }).waitFor();
    const seconds = Math.round((Date.now() - started) / 1000);
    console.info(`sign-up to 20 customers imported and assessed: ${clicks} clicks, ${seconds} s`);
    expect(clicks).toBeLessThanOrEqual(10);
  }, 420_000);

  test('a declined admin consent is said in words and creates nothing', async () => {
    const before = await census();
    await page.goto(`${origin}/settings/integrations`);
    const card = account('Contoso partner app');
    await card.getByRole('button', { name: 'Connect a Microsoft tenant' }).click();
    await card.getByRole('button', { name: 'Continue to Microsoft admin consent' }).click();
    await page.getByRole('heading', { name: 'Permissions requested' }).waitFor();
    await page.getByLabel(/Sign in as an administrator of/).selectOption({ label: 'customer20.example' });
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('heading', { name: 'Admin consent not completed' }).waitFor();
    expect(await page.locator('main').textContent()).toContain(
      'The administrator declined the consent: nothing was created.',
    );
    await checkA11y(page, 'declined consent');
    const after = await census();
    expect(after.tenants.length).toBe(before.tenants.length);
    expect(after.connections.length).toBe(before.connections.length);
  }, 120_000);

  test('a wrong secret is refused by Microsoft in words; a wrong key is refused before anything is saved', async () => {
    await page.goto(`${origin}/settings/integrations`);
    await page.getByRole('button', { name: 'Add a provider account' }).click();
    await page.getByLabel('Provider', { exact: true }).selectOption('entra');
    await page.getByLabel('Name', { exact: true }).fill('Typo app');
    await fillEntraApp();
    await page.getByLabel('Credential', { exact: true }).selectOption({ label: 'Client secret' });
    await page.getByLabel('Client secret', { exact: true }).fill('not-the-app-secret');
    await page.getByRole('button', { name: 'Save and find customers' }).click();
    const refusal = page.getByRole('alert').filter({ hasText: 'Could not list the customers of Typo app.' });
    await refusal.waitFor({ timeout: 60_000 });
    const words = (await refusal.textContent()) ?? '';
    expect(words).toMatch(/refused the app/);
    expect(words).toMatch(/AADSTS7000215/);
    expect(words).not.toMatch(/[[{]"|something went wrong/);
    expect(await page.content()).not.toContain('not-the-app-secret');
    await checkA11y(page, 'refused credential');

    // Deleting the account names what goes, and takes a second, explicit step.
    const typo = account('Typo app');
    await typo.getByRole('button', { name: 'Delete Typo app' }).click();
    const confirm = page.getByRole('group', { name: 'Delete Typo app?' });
    expect(await confirm.textContent()).toContain('Its stored credential is erased for good');
    await confirm.getByRole('button', { name: 'Delete Typo app and its credential' }).click();
    await typo.waitFor({ state: 'detached' });

    // A GitHub App's key that is a certificate is refused by the form's own check, in words, and nothing is saved.
    const org = await orgId();
    const accountsBefore = (await db.store.listProviderAccounts(org)).length;
    await page.getByRole('button', { name: 'Add a provider account' }).click();
    await page.getByLabel('Provider', { exact: true }).selectOption('github');
    await page.getByLabel('App ID', { exact: true }).fill('4242');
    await page.getByLabel('Private key', { exact: true }).fill(sims.graph!.caCert);
    await page.getByRole('button', { name: 'Save and find customers' }).click();
    const keyRefusal = page.getByRole('alert').filter({ hasText: /This is a certificate, not the App.s private key/ });
    await keyRefusal.first().waitFor();
    expect(await keyRefusal.first().textContent()).not.toMatch(/[[{]"/);
    expect((await db.store.listProviderAccounts(org)).length).toBe(accountsBefore);
    await checkA11y(page, 'refused GitHub key');
  }, 120_000);

  test('rename and replace the credential in one place; an accepted consent creates the customer’s tenant', async () => {
    await page.goto(`${origin}/settings/integrations`);
    await account('Contoso partner app').getByRole('button', { name: 'Rename Contoso partner app' }).click();
    await page.getByLabel('New name for Contoso partner app').fill('Contoso partner app (certificate)');
    await page.getByRole('button', { name: 'Save the name' }).click();
    const card = account('Contoso partner app (certificate)');
    await card.getByRole('heading', { name: /^Contoso partner app \(certificate\)/ }).waitFor();

    await card.getByRole('button', { name: /^Replace the credential of/ }).click();
    const pems = await sims.graph!.mspApp.certificate();
    await card.getByLabel('Certificate', { exact: true }).fill(pems.cert);
    await card.getByLabel('Private key (optional)').fill(pems.key);
    await checkA11y(page, 'replace a credential');
    await card.getByRole('button', { name: 'Replace the credential', exact: true }).click();
    await card.getByRole('status').filter({ hasText: 'Credential replaced' }).waitFor();
    const org = await orgId();
    const [stored] = (await db.store.listProviderAccounts(org)).filter((a) => a.name.startsWith('Contoso'));
    expect(stored?.rotatedAt).toBeTruthy();
    expect(await page.content()).not.toContain('PRIVATE KEY');

    const before = await census();
    await card.getByRole('button', { name: 'Connect a Microsoft tenant' }).click();
    await card.getByRole('button', { name: 'Continue to Microsoft admin consent' }).click();
    await page.getByRole('heading', { name: 'Permissions requested' }).waitFor();
    await page.getByLabel(/Sign in as an administrator of/).selectOption({ label: 'customer20.example' });
    await page.getByRole('button', { name: 'Accept' }).click();
    await page.getByRole('status').filter({ hasText: 'Admin consent granted.' }).waitFor();
    await page.getByLabel('Customer’s name').fill(UNCONSENTED);
    await page.getByRole('button', { name: 'Save the name' }).click();
    await page.getByRole('heading', { name: UNCONSENTED, level: 1 }).waitFor();
    await checkA11y(page, 'consent granted');
    const after = await census();
    expect(after.tenants.length).toBe(before.tenants.length + 1);
    const created = after.connections.filter((c) => !before.connections.some((b) => b.id === c.id));
    expect(created).toMatchObject([{ kind: 'entra', config: { tenantId: guid(21) } }]);
  }, 120_000);

  test('running the import again adds nothing, and the page says so', async () => {
    const before = await census();
    await page.goto(`${origin}/settings/integrations`);
    await account('Contoso partner app')
      .getByRole('button', { name: /Find customers/ })
      .click();
    const found = page.getByRole('status').filter({ hasText: /^Found / });
    await found.waitFor({ timeout: 90_000 });
    expect(await found.textContent()).toBe(
      'Found 21 customers: 0 new and reachable, 21 already imported. Nothing new to import: every reachable customer is already connected.',
    );
    expect(await page.getByRole('button', { name: 'Import 0 customers' }).isDisabled()).toBe(true);

    // By keyboard: select every reachable customer (the imported ones too) and import them again.
    await page.getByLabel(/Select every reachable customer/).press('Space');
    await page.getByRole('button', { name: 'Import 21 customers' }).press('Enter');
    const nothing = page.getByRole('status').filter({ hasText: 'Nothing added:' });
    await nothing.waitFor({ timeout: 90_000 });
    expect(await nothing.textContent()).toBe('Nothing added: all 21 customers selected were already connected.');
    await checkA11y(page, 'import run again');
    const after = await census();
    expect(after.tenants.length).toBe(before.tenants.length);
    expect(after.connections.length).toBe(before.connections.length);
  }, 180_000);
});
