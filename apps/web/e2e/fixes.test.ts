import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashPassword } from '@evident/api/testing';
import type { ControlResult, TenantId } from '@evident/core';
import { openWorld, type World } from '@evident/pipeline/testing';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parse, SETTINGS_TABS } from '../src/router.tsx';
import { checkA11y, launch, screenshots, signIn } from './browser.ts';
import { buildWebApp, startServerProcess } from './server.ts';

const PASSWORD = 'correct horse battery staple';
const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const WORKER = join(import.meta.dirname, '..', '..', 'worker', 'bin', 'worker.js');

const failing = (controlId: string, subjects: string[]): ControlResult => ({
  controlId,
  status: 'fail',
  coverage: { numerator: 10 - subjects.length, denominator: 10 },
  reason: `${subjects.length} of 10 accounts can sign in without MFA`,
  failing: subjects.map((subject) => ({
    connection: 'contoso-entra',
    subject,
    name: subject.split('@')[0] ?? subject,
    why: 'no_mfa',
  })),
  excepted: [],
  evidence: [],
  factsAsOf: new Date().toISOString(),
  evaluatedAt: new Date().toISOString(),
});

/** The real worker process (`apps/worker`) on the world's database and queue, as `npm run up` runs it. */
function startWorkerProcess(world: World, dir: string): { close(): Promise<void> } {
  if (world.db.database.driver !== 'pg') throw new Error('the worker process needs a PostgreSQL test database');
  const child: ChildProcess = spawn(process.execPath, [WORKER], {
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: String(world.db.database.pool.options.connectionString),
      EVIDENT_SECRET_KEY: world.db.key.key,
      EVIDENT_SECRET_KEY_ID: world.db.key.id,
      EVIDENT_QUEUE_PREFIX: world.prefix,
      EVIDENT_EXPORTS_DIR: join(dir, 'exports'),
      EVIDENT_AUDIT_ANCHOR_FILE: join(dir, 'anchors.jsonl'),
      WORKER_SHUTDOWN_DEADLINE_MS: '1000',
      LOG_LEVEL: 'warn',
      METADATA_SERVER_DETECTION: 'none',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    close: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

describe('dashboard fixes in Chromium', () => {
  let world: World;
  let dir: string;
  let host: Awaited<ReturnType<typeof startServerProcess>>;
  let browser: Awaited<ReturnType<typeof launch>>;
  let page: Page;
  let tenantId: TenantId;
  let tenantName = '';

  beforeAll(async () => {
    buildWebApp();
    world = await openWorld(['healthy'], 'pg');
    dir = await mkdtemp(join(tmpdir(), 'evident-fixes-e2e-'));
    const user = await world.store.createUser(world.org, {
      email: 'owner@acme.example',
      role: 'owner',
      passwordHash: await hashPassword(PASSWORD),
    });
    await world.store.setTotpSecret(world.org, user.id, SECRET);
    await world.store.confirmTotp(world.org, user.id);
    [[tenantName, tenantId]] = [...world.tenants] as [[string, TenantId]];
    const run = await world.store.createRun(world.org, { tenantId, trigger: 'manual' });
    await world.store.writeResults(world.org, run.id, [
      failing('MFA-01', ['alice@contoso.example', 'bob@contoso.example']),
    ]);
    await world.store.finishRun(world.org, run.id, { status: 'succeeded' });
    host = await startServerProcess(world.db, world.prefix, { EVIDENT_EXPORTS_DIR: join(dir, 'exports') });
    browser = await launch();
    page = await browser.context.newPage();
    await signIn(page, host.url, 'owner@acme.example', PASSWORD, SECRET);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await world?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('unknown addresses answer 404 with one clear page; the app’s own pages answer 200', async () => {
    // The server's list of pages agrees with the router's, tab by tab.
    const paths = [
      ...['/', '/sign-in', '/sign-up', '/audit', '/verify', '/sso/callback', '/settings', '/invite/abc'],
      ...SETTINGS_TABS.map((tab) => `/settings/${tab}`),
      ...['', '/shares', '/exceptions', '/schedules', '/controls/MFA-01'].map((p) => `/tenants/${tenantId}${p}`),
      ...['/no-such-page', '/not-found', '/settings/nope', `/tenants/${tenantId}/nope`, '/tenants/x/controls'],
    ];
    for (const path of paths) {
      const known = parse(path).name !== 'notFound';
      expect((await fetch(`${host.url}${path}`)).status, path).toBe(known ? 200 : 404);
    }
    expect(paths.filter((p) => parse(p).name === 'notFound')).toHaveLength(5);

    expect((await page.goto(`${host.url}/no-such-page`))?.status()).toBe(404);
    await page.getByRole('heading', { name: 'Page not found', level: 1 }).waitFor();
    await checkA11y(page, 'page not found');

    // An id of the right kind that names no tenant, and one that is not an id at all.
    for (const id of ['ten_00000000000000000000000000', 'ten_nope']) {
      await page.goto(`${host.url}/tenants/${id}`);
      await page.getByRole('heading', { name: 'Tenant not found', level: 1 }).waitFor();
      await page.goto(`${host.url}/tenants/${id}/controls/MFA-01`);
      await page.getByRole('heading', { name: 'Tenant not found', level: 1 }).waitFor();
      await page.goto(`${host.url}/tenants/${id}/shares`);
      await page.getByRole('heading', { name: 'Tenant not found', level: 1 }).waitFor();
      expect(await page.locator('main').textContent()).not.toMatch(/expected an id|not assessed|"code"/i);
    }
    await page.goto(`${host.url}/tenants/${tenantId}/controls/NOPE-99`);
    await page.getByRole('heading', { name: 'Control not found', level: 1 }).waitFor();
    expect(await page.getByText(/not been assessed/).count()).toBe(0);
    expect(await page.getByRole('heading').count()).toBe(1);
    await checkA11y(page, 'control not found');
    await screenshots(page, 'control-not-found');
  });

  test('the breadcrumb names the tenant on the Exceptions and Shares pages', async () => {
    for (const [path, here] of [
      ['exceptions', 'Exceptions'],
      ['shares', 'Shares'],
    ]) {
      await page.goto(`${host.url}/tenants/${tenantId}/${path}`);
      await page.getByRole('heading', { name: here, level: 1 }).waitFor();
      const crumbs = page.getByRole('navigation', { name: 'Breadcrumb' });
      await crumbs.getByRole('link', { name: tenantName }).waitFor();
      expect(await crumbs.textContent()).not.toContain('Tenant ›');
    }
  });

  test('a refused schedule is explained field by field, in words', async () => {
    await page.goto(`${host.url}/tenants/${tenantId}/schedules`);
    await page.getByRole('heading', { name: 'Schedules', level: 1 }).waitFor();
    const form = page.locator('form', { has: page.getByRole('button', { name: 'Save export schedule' }) });
    await page.locator('#export-cron').fill('every day');
    await page.locator('#export-tz').fill('Mars/Olympus');
    await page.getByRole('button', { name: 'Save export schedule' }).click();
    const alert = form.getByRole('alert');
    await alert.getByText('Cron pattern: Five fields: minute hour day-of-month month day-of-week').waitFor();
    await alert.getByText('Time zone: Not a known time zone (e.g. Europe/London).').waitFor();
    expect(await alert.textContent()).not.toMatch(/[[{"]/);

    // The assessment schedule checks its pattern and time zone as the export schedule does, and says so as plainly.
    const assessForm = page.locator('form', { has: page.getByRole('button', { name: 'Save assessment schedule' }) });
    await page.getByLabel('On a cron pattern').check();
    await page.locator('#assess-cron').fill('every day');
    await page.locator('#assess-tz').fill('Mars/Olympus');
    await page.getByRole('button', { name: 'Save assessment schedule' }).click();
    const refused = assessForm.getByRole('alert');
    await refused.getByText('Time zone: Not a known time zone (e.g. Europe/London).').waitFor();
    await refused.getByText('Cron pattern: Five fields').waitFor();
    expect(await refused.textContent()).not.toMatch(/[[{"]/);
    expect(await page.getByTestId('assessment-schedule').textContent()).toBe('Every 6 hours (the default).');
    await checkA11y(page, 'refused schedule');
    await screenshots(page, 'schedules-refused');
  });

  test('a logo over the limit shows its error and no stale "Saved"', async () => {
    await page.goto(`${host.url}/settings/branding`);
    await page.getByRole('heading', { name: 'Settings: Branding', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Save branding' }).click();
    await page.getByText('Saved: shared views use it from now on.').waitFor();
    await page
      .getByLabel('Logo')
      .setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: Buffer.alloc(200_000, 1) });
    await page.getByText('The logo must be smaller than 150 KB.').waitFor();
    expect(await page.getByText(/^Saved/).count()).toBe(0);
  });

  test('a share with every section shows statuses, history, subject evidence, connections and packs', async () => {
    await page.goto(`${host.url}/tenants/${tenantId}/shares`);
    await page.getByLabel('Label').fill('Everything');
    for (const name of ['History', 'Subject-level evidence', 'Connections', 'Evidence packs (download)'])
      await page.getByRole('checkbox', { name }).check();
    await page.getByRole('button', { name: 'Create link' }).click();
    const link = await page.getByTestId('share-link').inputValue();
    const connections = await world.store.listConnections(world.org, { tenantId });
    expect(connections.length).toBeGreaterThan(0);

    const customer = await launch();
    try {
      const view = await customer.context.newPage();
      await view.goto(link);
      await view.getByRole('heading', { name: tenantName, level: 1 }).waitFor();
      await view.getByRole('heading', { name: 'History', level: 2 }).waitFor();
      await view.getByRole('list', { name: 'History of MFA-01' }).getByText('Fail').waitFor();
      await view.getByRole('heading', { name: 'Subject-level evidence', level: 2 }).waitFor();
      await view.getByRole('cell', { name: 'alice@contoso.example' }).waitFor();
      await view.getByRole('heading', { name: 'Connections', level: 2 }).waitFor();
      for (const c of connections) await view.getByRole('rowheader', { name: c.name }).waitFor();
      await view.getByRole('heading', { name: 'Evidence packs', level: 2 }).waitFor();
      expect(await view.getByRole('link').count()).toBe(0);
      await checkA11y(view, 'shared view with every section');
      await screenshots(view, 'shared-every-section');
    } finally {
      await customer.close();
    }
    await page.reload();
    await page.getByRole('button', { name: 'Access log of Everything' }).click();
    await page.locator('#access-log').getByRole('cell', { name: 'the connections' }).waitFor();
  });

  test('the pack list shows the new pack once the export is made, without a reload', async () => {
    await page.goto(`${host.url}/tenants/${tenantId}`);
    const packs = page.locator('section[aria-labelledby="packs-h"]');
    await packs.getByText('No evidence packs stored yet.').waitFor();
    let loads = 0;
    page.on('load', () => loads++);
    const worker = startWorkerProcess(world, dir);
    try {
      await packs.getByRole('button', { name: 'Export now' }).click();
      await packs.getByText('Export requested').waitFor();
      await packs.locator('a[download]').first().waitFor({ timeout: 90_000 });
      await packs.getByText('The new pack is in the list below.').waitFor();
      await packs.getByRole('button', { name: 'Export now' }).waitFor();
      expect(loads).toBe(0);
    } finally {
      await worker.close();
    }
  }, 120_000);

  test('assess now with the server gone: the error in words, and the button works again', async () => {
    // A second server on the same database: the session cookie holds there too, and this one is stopped mid-run.
    const doomed = await startServerProcess(world.db, world.prefix, { SHUTDOWN_DEADLINE_MS: '1000' });
    await page.goto(`${doomed.url}/tenants/${tenantId}`);
    await page.getByRole('heading', { name: tenantName, level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Assess now' }).click();
    await page.getByRole('progressbar', { name: 'Overall progress' }).waitFor();
    await page.getByRole('button', { name: 'Assessing…' }).waitFor();
    await doomed.close();
    await page.getByText('Progress stopped: The server did not answer.').waitFor({ timeout: 30_000 });
    const again = page.getByRole('button', { name: 'Assess now' });
    await again.waitFor();
    expect(await again.isEnabled()).toBe(true);
    await again.click();
    await page.getByRole('alert').getByText('Not started: The server did not answer.').waitFor();
    expect(await again.isEnabled()).toBe(true);
    await checkA11y(page, 'assessment lost its server');
  }, 60_000);
});
