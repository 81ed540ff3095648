import type { ControlResult, OrganizationId } from '@evident/core';
import { openTestDatabase, type TestDatabase } from '@evident/db/testing';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { checkA11y, launch, screenshots, signUp } from './browser.ts';
import { buildWebApp, startServerProcess } from './server.ts';

const PASSWORD = 'correct horse battery staple';

const result = (
  controlId: string,
  status: ControlResult['status'],
  failing: string[],
  total: number,
): ControlResult => ({
  controlId,
  status,
  coverage: { numerator: total - failing.length, denominator: total },
  reason: failing.length ? `${failing.length} of ${total} accounts can sign in without MFA` : 'every account has MFA',
  failing: failing.map((subject) => ({
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

describe('the dashboard in Chromium', () => {
  let db: TestDatabase;
  let host: Awaited<ReturnType<typeof startServerProcess>>;
  let owner: Awaited<ReturnType<typeof launch>>;
  let page: Page;
  let codes: string[] = [];
  let tenantId = '';

  beforeAll(async () => {
    buildWebApp();
    db = await openTestDatabase('pg');
    host = await startServerProcess(db);
    owner = await launch();
    page = await owner.context.newPage();
  }, 120_000);

  afterAll(async () => {
    await owner?.close();
    await host?.close();
    await db?.close();
  });

  test('a new owner signs up, enrols TOTP and lands on an empty portfolio', async () => {
    await page.goto(`${host.url}/`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await checkA11y(page, 'sign-in');
    await screenshots(page, 'sign-in');
    ({ codes } = await signUp(page, host.url, 'Northwind MSP', 'owner@northwind.example', PASSWORD));
    expect(codes).toHaveLength(10);
    await checkA11y(page, 'recovery codes');
    await page.getByRole('button', { name: /I have saved them/ }).click();
    await page.getByRole('heading', { name: 'Portfolio' }).waitFor();
    await page.getByText('No tenants to show.').waitFor();
    await checkA11y(page, 'empty portfolio');
    await screenshots(page, 'portfolio-empty');
  });

  test('portfolio → tenant → failing control → its subjects', async () => {
    const me = await page.evaluate(async () => (await (await fetch('/trpc/auth.me')).json()).result.data);
    const org = me.organization.id as OrganizationId;
    const tenant = await db.store.createTenant(org, { name: 'Contoso Ltd', kind: 'customer' });
    tenantId = tenant.id;
    const run = await db.store.createRun(org, { tenantId: tenant.id, trigger: 'manual' });
    const users = Array.from({ length: 120 }, (_, i) => `user${String(i).padStart(3, '0')}@contoso.example`);
    await db.store.writeResults(org, run.id, [
      result('MFA-01', 'fail', ['alice@contoso.example', 'bob@contoso.example', ...users], 1500),
      result('MFA-02', 'pass', [], 12),
      { ...result('LOG-01', 'unknown', [], 0), reason: 'AuditLog.Read.All is missing, so sign-in logs cannot be read' },
    ]);
    await db.store.finishRun(org, run.id, { status: 'succeeded' });

    await page.reload();
    const row = page.getByRole('row', { name: /Contoso Ltd/ });
    await row.getByRole('link', { name: 'Contoso Ltd, MFA-01: Fail' }).waitFor();
    await checkA11y(page, 'portfolio');
    await screenshots(page, 'portfolio');

    // One click on a cell reaches that tenant's control; arrow keys move from the tenant's link into its cells.
    await row.getByRole('link', { name: 'Contoso Ltd, MFA-01: Fail' }).click();
    await page.getByRole('heading', { name: /^MFA-01/, level: 1 }).waitFor();
    await page.goBack();
    await row.getByRole('link', { name: 'Contoso Ltd', exact: true }).focus();
    await page.keyboard.press('ArrowRight');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toMatch(
      /^Contoso Ltd, [A-Z]+-\d+: /,
    );

    await row.getByRole('link', { name: 'Contoso Ltd', exact: true }).click();
    await page.getByRole('heading', { name: 'Contoso Ltd', level: 1 }).waitFor();
    const mfa = page.getByRole('row', { name: /MFA-01/ });
    await expect.poll(() => mfa.getByText('Fail', { exact: true }).count()).toBe(1);
    await page.getByText('AuditLog.Read.All is missing').waitFor();
    await checkA11y(page, 'tenant');
    await screenshots(page, 'tenant');

    await mfa.getByRole('link').click();
    await page.getByRole('heading', { name: /^MFA-01/, level: 1 }).waitFor();
    await page.getByRole('cell', { name: 'alice@contoso.example' }).waitFor();
    await expect.poll(() => page.getByRole('row').count()).toBe(51);
    await page.getByRole('searchbox', { name: 'Search' }).fill('bob');
    await expect.poll(() => page.getByRole('row').count()).toBe(2);
    await page.getByRole('cell', { name: 'bob@contoso.example' }).waitFor();
    await checkA11y(page, 'control');
    await screenshots(page, 'control');
  });

  test('signs out and back in with a recovery code', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByLabel('Email').fill('owner@northwind.example');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('button', { name: 'Use a recovery code instead' }).click();
    await page.getByLabel('Recovery code').fill(codes[0] ?? '');
    await checkA11y(page, 'second factor');
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('heading', { name: 'Portfolio' }).waitFor();
  });

  test('a share opens in a fresh browser, and once revoked is refused', async () => {
    await page.goto(`${host.url}/tenants/${tenantId}/shares`);
    await page.getByRole('heading', { name: 'Shares' }).waitFor();
    await page.getByLabel('Label').fill('Contoso IT lead');
    await page.getByRole('button', { name: 'Create link' }).click();
    const link = await page.getByTestId('share-link').inputValue();
    expect(link).toMatch(/\/s\/[\w-]{20,}$/);
    await checkA11y(page, 'shares');
    await screenshots(page, 'shares');

    const customer = await launch();
    try {
      const view = await customer.context.newPage();
      expect((await view.goto(link))?.status()).toBe(200);
      await view.getByRole('heading', { name: 'Contoso Ltd' }).waitFor();
      await view.getByText('Fail', { exact: true }).waitFor();
      expect(await view.getByRole('link').count()).toBe(0);
      await checkA11y(view, 'shared view');
      await screenshots(view, 'shared');

      await page.getByRole('button', { name: 'Revoke Contoso IT lead' }).click();
      await page.getByRole('alertdialog').getByRole('button', { name: 'Revoke the link for Contoso IT lead' }).click();
      await page.getByText('revoked', { exact: true }).waitFor();
      expect((await view.goto(link))?.status()).toBe(404);
      await view.getByRole('heading', { name: 'This link is no longer valid' }).waitFor();
      await expect(view.getByText('Contoso Ltd').count()).resolves.toBe(0);
      await checkA11y(view, 'refused share');
    } finally {
      await customer.close();
    }
  });

  test("staff of another organization typing this tenant's address are refused", async () => {
    const other = await launch();
    try {
      const p = await other.context.newPage();
      await signUp(p, host.url, 'Fabrikam MSP', 'owner@fabrikam.example', PASSWORD);
      await p.getByRole('button', { name: /I have saved them/ }).click();
      await p.getByRole('heading', { name: 'Portfolio' }).waitFor();
      await p.goto(`${host.url}/tenants/${tenantId}`);
      await p.getByRole('heading', { name: 'Tenant not found' }).waitFor();
      await expect(p.getByText('Contoso Ltd').count()).resolves.toBe(0);
      await p.goto(`${host.url}/tenants/${tenantId}/controls/MFA-01`);
      await p.getByRole('heading', { name: 'Tenant not found' }).waitFor();
      await expect(p.getByText('alice@contoso.example').count()).resolves.toBe(0);
    } finally {
      await other.close();
    }
  });
});
