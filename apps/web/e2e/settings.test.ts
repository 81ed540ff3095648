import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ControlResult, OrganizationId } from '@evident/core';
import { openTestDatabase, type TestDatabase } from '@evident/db/testing';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { checkA11y, launch, screenshots, signUp, totp } from './browser.ts';
import { buildWebApp, startServerProcess } from './server.ts';

const PASSWORD = 'correct horse battery staple';

const failing = (controlId: string): ControlResult => ({
  controlId,
  status: 'fail',
  coverage: { numerator: 1, denominator: 2 },
  reason: '1 of 2 accounts can sign in without MFA',
  failing: [{ connection: 'contoso-entra', subject: '=HYPERLINK("http://x")', name: 'mallory', why: 'no_mfa' }],
  excepted: [],
  evidence: [],
  factsAsOf: new Date().toISOString(),
  evaluatedAt: new Date().toISOString(),
});

describe('settings, schedules, the share access log and control descriptions in Chromium', () => {
  let db: TestDatabase;
  let dir: string;
  let host: Awaited<ReturnType<typeof startServerProcess>>;
  let owner: Awaited<ReturnType<typeof launch>>;
  let page: Page;
  let tenantId = '';
  let org: OrganizationId;

  beforeAll(async () => {
    buildWebApp();
    db = await openTestDatabase('pg');
    dir = await mkdtemp(join(tmpdir(), 'evident-settings-e2e-'));
    host = await startServerProcess(db, undefined, { EVIDENT_EXPORTS_DIR: join(dir, 'exports') });
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
    await db.store.writeResults(org, run.id, [failing('MFA-01')]);
    await db.store.finishRun(org, run.id, { status: 'succeeded' });
  }, 180_000);

  afterAll(async () => {
    await owner?.close();
    await host?.close();
    await db?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('branding: unset at first, saved, and shown in the preview', async () => {
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Settings: Branding', level: 1 }).waitFor();
    await page.getByText('Not set yet').waitFor();
    expect(await page.getByLabel('Display name').inputValue()).toBe('Northwind MSP');
    await checkA11y(page, 'branding settings');
    await screenshots(page, 'settings-branding');
    await page.getByLabel('Display name').fill('Northwind Managed IT');
    await page.getByLabel('Accent colour').fill('#0b6e4f');
    await expect.poll(() => page.getByTestId('brand-preview').textContent()).toContain('Northwind Managed IT');
    await page.getByRole('button', { name: 'Save branding' }).click();
    await page.getByText('Saved: shared views use it from now on.').waitFor();
    await page.reload();
    await expect.poll(() => page.getByLabel('Display name').inputValue()).toBe('Northwind Managed IT');
    expect(await page.getByText('Not set yet').count()).toBe(0);
  });

  test('staff: invite with a role, the link shown once; the invitee joins; roles and passwords change', async () => {
    await page.getByRole('link', { name: 'Staff and invitations' }).click();
    await page.getByRole('heading', { name: 'Settings: Staff and invitations', level: 1 }).waitFor();
    await page.getByText('No pending invitations.').waitFor();
    await page.getByRole('cell', { name: 'Enrolled' }).waitFor();
    await page.getByLabel('Email').fill('vera@northwind.example');
    await page.getByLabel('Role').selectOption('viewer');
    await page.getByRole('button', { name: 'Create invitation' }).click();
    const link = await page.getByTestId('invitation-link').inputValue();
    expect(link).toMatch(/\/invite\/[\w-]{20,}$/);
    await page.getByRole('row', { name: /vera@northwind\.example/ }).waitFor();
    await page.getByLabel('Email').fill('ivan@northwind.example');
    await page.getByRole('button', { name: 'Create invitation' }).click();
    await page.getByRole('button', { name: 'Revoke the invitation of ivan@northwind.example' }).waitFor();
    await checkA11y(page, 'staff settings');
    await screenshots(page, 'settings-staff');
    await page.getByRole('button', { name: 'Revoke the invitation of ivan@northwind.example' }).click();
    await expect.poll(() => page.getByText('ivan@northwind.example').count()).toBe(0);

    const invitee = await launch();
    try {
      const p = await invitee.context.newPage();
      await p.goto(link);
      await p.getByRole('heading', { name: 'Join your team on Evident' }).waitFor();
      await checkA11y(p, 'accept invitation');
      await p.getByLabel('Password').fill(PASSWORD);
      await p.getByRole('button', { name: 'Accept invitation' }).click();
      await p.getByRole('heading', { name: 'Set up your authenticator' }).waitFor();
      const secret = (await p.getByTestId('totp-secret').textContent()) ?? '';
      await p.getByLabel('Six-digit code from the app').fill(totp(secret));
      await p.getByRole('button', { name: 'Confirm' }).click();
      await p.getByRole('button', { name: /I have saved them/ }).click();
      await p.getByRole('heading', { name: 'Portfolio' }).waitFor();
      // A viewer is offered no admin action; the page says who can.
      await p.goto(`${host.url}/settings/staff`);
      await p.getByText('Staff and invitations are managed by admins and owners.').waitFor();
      expect(await p.getByRole('button', { name: 'Create invitation' }).count()).toBe(0);
      await checkA11y(p, 'staff settings as a viewer');
      await screenshots(p, 'settings-staff-viewer');
      await p.goto(`${host.url}/settings/branding`);
      await p.getByText('Only an admin or owner can change the branding.').waitFor();
      expect(await p.getByLabel('Display name').isDisabled()).toBe(true);
      expect(await p.getByRole('button', { name: 'Save branding' }).count()).toBe(0);
      // A second link use is refused.
      const stranger = await launch();
      try {
        const again = await stranger.context.newPage();
        await again.goto(link);
        await again.getByLabel('Password').fill(PASSWORD);
        await again.getByRole('button', { name: 'Accept invitation' }).click();
        await again.getByRole('alert').waitFor();
      } finally {
        await stranger.close();
      }

      await page.reload();
      const vera = page.getByRole('row', { name: /vera@northwind\.example/ });
      await vera.getByRole('cell', { name: 'Enrolled' }).waitFor();
      await vera.getByLabel('Role of vera@northwind.example').selectOption('analyst');
      await vera.getByRole('button', { name: 'Save role of vera@northwind.example' }).click();
      await expect.poll(() => vera.getByRole('button', { name: /Save role/ }).count()).toBe(0);
      expect(await vera.getByLabel('Role of vera@northwind.example').inputValue()).toBe('analyst');
      await vera.getByRole('button', { name: 'Reset password of vera@northwind.example' }).click();
      await page.getByLabel('New password for vera@northwind.example').fill('another long password');
      await page.getByRole('button', { name: 'Set password', exact: true }).click();
      await page.getByText(/Password of vera@northwind\.example reset/).waitFor();
      // Her sessions ended with the role change.
      await p.reload();
      await p.getByRole('heading', { name: 'Sign in' }).waitFor();
    } finally {
      await invitee.close();
    }
  });

  test('sessions: this device listed, another one ended', async () => {
    const second = await launch();
    try {
      const p = await second.context.newPage();
      await p.goto(`${host.url}/sign-in`);
      await p.getByLabel('Email').fill('owner@northwind.example');
      await p.getByLabel('Password').fill(PASSWORD);
      await p.getByRole('button', { name: 'Sign in', exact: true }).click();
      await p.getByRole('heading', { name: 'Second step' }).waitFor();
    } finally {
      await second.close();
    }
    await page.goto(`${host.url}/settings/sessions`);
    await page.getByRole('heading', { name: 'Settings: Your sessions', level: 1 }).waitFor();
    await page.getByText('this device').waitFor();
    const others = page.getByRole('button', { name: /^End session/ });
    await expect.poll(() => others.count()).toBeGreaterThan(0);
    await checkA11y(page, 'sessions');
    await screenshots(page, 'settings-sessions');
    const before = await others.count();
    await others.first().click();
    await expect.poll(() => others.count()).toBe(before - 1);
  });

  test('schedules: the assessment schedule and the export schedule are set', async () => {
    await page.goto(`${host.url}/tenants/${tenantId}`);
    await page.getByRole('link', { name: 'Schedules' }).click();
    await page.getByRole('heading', { name: 'Schedules', level: 1 }).waitFor();
    await page.getByText('Every 6 hours (the default).').waitFor();
    await checkA11y(page, 'schedules');
    await screenshots(page, 'schedules');
    await page.getByLabel('Every few hours').check();
    await page.getByLabel('Hours between assessments').fill('12');
    await page.getByRole('button', { name: 'Save assessment schedule' }).click();
    await expect.poll(() => page.getByTestId('assessment-schedule').textContent()).toBe('Every 12 hours.');
    await page.getByLabel('On a cron pattern').check();
    await page.getByLabel('Cron pattern', { exact: true }).first().fill('30 5 * * 1');
    await page.getByLabel('Time zone').first().fill('Europe/London');
    await page.getByRole('button', { name: 'Save assessment schedule' }).click();
    await expect
      .poll(() => page.getByTestId('assessment-schedule').textContent())
      .toBe('On the cron pattern 30 5 * * 1 in Europe/London.');

    await page.getByText('Not scheduled: packs are made only on request.').waitFor();
    await page.locator('#export-tz').fill('Mars/Olympus');
    await page.getByRole('button', { name: 'Save export schedule' }).click();
    await page.getByText('not a known time zone').waitFor();
    await page.locator('#export-tz').fill('Europe/Paris');
    await page.getByRole('button', { name: 'Save export schedule' }).click();
    await expect
      .poll(() => page.getByTestId('export-schedule').textContent())
      .toBe('On the cron pattern 0 6 1 * * in Europe/Paris.');
    await page.reload();
    await expect
      .poll(() => page.getByTestId('export-schedule').textContent())
      .toBe('On the cron pattern 0 6 1 * * in Europe/Paris.');
    await page.getByRole('button', { name: 'Stop scheduled exports' }).click();
    await page.getByText('Scheduled exports stopped.').waitFor();
    await page.getByText('Not scheduled: packs are made only on request.').waitFor();
  });

  test('the control page states the requirement and its framework mappings; the share logs every opening', async () => {
    await page.goto(`${host.url}/tenants/${tenantId}/controls/MFA-01`);
    await page.getByRole('heading', { name: 'About this control' }).waitFor();
    await page.getByText('Requirement', { exact: true }).waitFor();
    await page.getByRole('link', { name: 'CIS Critical Security Controls' }).first().waitFor();
    await checkA11y(page, 'control with its description');
    await screenshots(page, 'control-described');
    // The subject named like a formula leaves as text.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export this view as CSV' }).click(),
    ]);
    const csv = await readFile((await download.path()) ?? '', 'utf8');
    expect(csv).toContain(`"'=HYPERLINK(""http://x"")"`);

    await page.goto(`${host.url}/tenants/${tenantId}/shares`);
    await page.getByLabel('Label').fill('Contoso IT lead');
    await page.getByRole('button', { name: 'Create link' }).click();
    const link = await page.getByTestId('share-link').inputValue();
    await page.getByRole('button', { name: 'Access log of Contoso IT lead' }).click();
    await page.getByText('Nobody has opened this link yet.').waitFor();

    const customer = await launch();
    try {
      const view = await customer.context.newPage();
      await view.goto(link);
      await view.getByRole('heading', { name: 'Contoso Ltd' }).waitFor();
      await view.getByText('Northwind Managed IT').first().waitFor();
      await view.locator('summary').first().click();
      await view.getByText('Requirement', { exact: true }).waitFor();
      await checkA11y(view, 'shared view with a control described');
    } finally {
      await customer.close();
    }
    await page.reload();
    await page.getByRole('button', { name: 'Access log of Contoso IT lead' }).click();
    const log = page.locator('#access-log');
    await log.getByRole('cell', { name: 'the dashboard' }).waitFor();
    await log.getByRole('cell', { name: 'a control description' }).waitFor();
    await log
      .getByRole('cell', { name: /Chrome on Linux/ })
      .first()
      .waitFor();
    await checkA11y(page, 'share access log');
    await screenshots(page, 'shares-access-log');

    // More accesses than a page holds: the newest 50 first, the rest one page older.
    const [shared] = await db.store.listShares(org, tenantId as never);
    for (let i = 0; i < 55; i++)
      await db.store.recordShareAccess(org, shared!.id, { address: null, userAgent: null, what: 'shared.history' });
    await page.reload();
    await page.getByRole('button', { name: 'Access log of Contoso IT lead' }).click();
    await log.getByRole('button', { name: 'Older accesses' }).waitFor();
    expect(await log.getByRole('cell', { name: 'a control history' }).count()).toBe(50);
    expect(await log.getByRole('cell', { name: 'the dashboard' }).count()).toBe(0);
    expect(await log.getByRole('button', { name: 'Newer accesses' }).isDisabled()).toBe(true);
    await log.getByRole('button', { name: 'Older accesses' }).click();
    await log.getByRole('cell', { name: 'the dashboard' }).first().waitFor();
    expect(await log.getByRole('cell', { name: 'a control history' }).count()).toBe(5);
    expect(await log.getByRole('button', { name: 'Older accesses' }).isDisabled()).toBe(true);
    await log.getByRole('button', { name: 'Newer accesses' }).click();
    await expect.poll(() => log.getByRole('cell', { name: 'a control history' }).count()).toBe(50);
  });
});
