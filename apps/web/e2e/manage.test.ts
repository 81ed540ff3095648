import { hashPassword } from '@evident/api/testing';
import type { ControlResult, TenantId } from '@evident/core';
import { openWorld, type World } from '@evident/pipeline/testing';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { checkA11y, launch, screenshots, signIn } from './browser.ts';
import { buildWebApp, startServerProcess } from './server.ts';

const PASSWORD = 'correct horse battery staple';
const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

describe('managing what exists, in Chromium', () => {
  let world: World;
  let host: Awaited<ReturnType<typeof startServerProcess>>;
  let browser: Awaited<ReturnType<typeof launch>>;
  let page: Page;
  let tenantId: TenantId;
  let tenantName = '';

  beforeAll(async () => {
    buildWebApp();
    world = await openWorld(['healthy'], 'pg');
    const user = await world.store.createUser(world.org, {
      email: 'owner@acme.example',
      role: 'owner',
      passwordHash: await hashPassword(PASSWORD),
    });
    await world.store.setTotpSecret(world.org, user.id, SECRET);
    await world.store.confirmTotp(world.org, user.id);
    [[tenantName, tenantId]] = [...world.tenants] as [[string, TenantId]];
    await world.store.createException(world.org, tenantId, {
      controlId: 'MFA-01',
      subject: 'breakglass@contoso.example',
      reason: 'break-glass account, sealed in the safe',
      approver: 'owner@acme.example',
      expiresAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
    });
    host = await startServerProcess(world.db, world.prefix);
    browser = await launch();
    page = await browser.context.newPage();
    await signIn(page, host.url, 'owner@acme.example', PASSWORD, SECRET);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await world?.close();
  });

  const audited = async (action: string) => (await world.store.listAudit(world.org)).filter((e) => e.action === action);

  test('an exception is revoked after a confirmation that names it', async () => {
    await page.goto(`${host.url}/tenants/${tenantId}/exceptions`);
    await page.getByRole('heading', { name: 'Exceptions', level: 1 }).waitFor();
    await page.getByRole('button', { name: /^Revoke the exception for MFA-01, breakglass@contoso\.example/ }).click();
    const dialog = page.getByRole('alertdialog');
    expect(await dialog.textContent()).toContain('MFA-01, breakglass@contoso.example');
    await checkA11y(page, 'revoke an exception');
    await dialog.getByRole('button', { name: 'Revoke the exception' }).click();
    await page.getByRole('cell', { name: /^Lapsed/ }).waitFor();
    expect(await page.getByRole('button', { name: /^Revoke/ }).count()).toBe(0);
    expect(await audited('exception.expire')).toHaveLength(1);
  });

  test('a connection is removed only once confirmed; cancelling keeps it', async () => {
    const [connection] = await world.store.listConnections(world.org, { tenantId });
    if (!connection) throw new Error('the world has no connection');
    await page.goto(`${host.url}/tenants/${tenantId}`);
    await page.getByRole('heading', { name: tenantName, level: 1 }).waitFor();
    const trigger = page.getByRole('button', { name: `Remove ${connection.name}`, exact: true });
    await trigger.click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Cancel' }).click();
    expect(await page.getByRole('alertdialog').count()).toBe(0);
    expect((await world.store.getConnection(world.org, connection.id)).status).not.toBe('disabled');

    await trigger.click();
    const dialog = page.getByRole('alertdialog');
    expect(await dialog.textContent()).toContain(connection.name);
    await dialog.getByRole('button', { name: `Remove ${connection.name}` }).click();
    await page
      .getByRole('listitem')
      .filter({ hasText: connection.name })
      .getByText('Disabled', { exact: true })
      .waitFor();
    expect((await world.store.getConnection(world.org, connection.id)).status).toBe('disabled');
    expect(await audited('connection.delete')).toHaveLength(1);
  });

  test('drift names the change that set it off; a connection says whether its changes are watched', async () => {
    const connections = await world.store.listConnections(world.org, { tenantId });
    const first = connections[0];
    const second = connections.find((c) => c.status !== 'disabled' && c.id !== first?.id);
    if (!first || !second) throw new Error('the world has too few connections');
    const result = (status: 'pass' | 'fail'): ControlResult => ({
      controlId: 'MFA-01',
      status,
      coverage: { numerator: status === 'pass' ? 10 : 9, denominator: 10 },
      reason: status === 'pass' ? 'every account is forced through MFA' : '1 of 10 accounts can sign in without MFA',
      failing: [],
      excepted: [],
      evidence: [],
      factsAsOf: new Date().toISOString(),
      evaluatedAt: new Date().toISOString(),
    });
    const before = await world.store.createRun(world.org, { tenantId, trigger: 'schedule' });
    await world.store.writeResults(world.org, before.id, [result('pass')]);
    await world.store.finishRun(world.org, before.id, { status: 'succeeded' });
    const after = await world.store.createRun(world.org, {
      tenantId,
      trigger: 'change',
      startedAt: new Date(Date.now() + 1000),
    });
    await world.store.setRunChanges(world.org, after.id, [
      {
        connectionId: first.id,
        id: 'evt-1',
        at: new Date().toISOString(),
        actor: 'alice@contoso-msp.example',
        action: 'Update conditional access policy',
        target: 'Require MFA for all users',
      },
    ]);
    await world.store.writeResults(world.org, after.id, [result('fail')]);
    await world.store.finishRun(world.org, after.id, { status: 'succeeded' });
    await world.store.recordWatchFailure(world.org, second.id, {
      code: 'permission_missing',
      message: 'AuditLog.Read.All is not granted.',
      at: new Date(),
    });

    await page.goto(`${host.url}/tenants/${tenantId}`);
    const drift = page.getByRole('region', { name: 'Drift' });
    await drift.getByText('after alice@contoso-msp.example: Update conditional access policy').waitFor();
    expect(await drift.textContent()).toContain('“Require MFA for all users”');
    const card = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: second.name }) });
    expect(await card.textContent()).toContain('Changes are not watched: AuditLog.Read.All is not granted.');
    await checkA11y(page, 'drift with its change');
  });

  test('a tenant is renamed, then deleted after a confirmation, and leaves the portfolio', async () => {
    await page.goto(`${host.url}/tenants/${tenantId}`);
    await page.getByRole('heading', { name: tenantName, level: 1 }).waitFor();
    await page.getByRole('button', { name: `Rename ${tenantName}` }).click();
    await page.getByLabel('New name').fill('   ');
    await page.getByRole('button', { name: 'Save the name' }).click();
    // Blank after trimming: refused in words, and the name is unchanged.
    const refusal = page.getByRole('form', { name: `Rename ${tenantName}` }).getByRole('alert');
    await refusal.waitFor();
    expect(await refusal.textContent()).toMatch(/New name/);
    expect(await refusal.textContent()).not.toMatch(/too_small|expected/i);
    expect((await world.store.getTenant(world.org, tenantId)).name).toBe(tenantName);
    await page.getByLabel('New name').fill('Contoso Pharma (UK)');
    await page.getByRole('button', { name: 'Save the name' }).click();
    await page.getByRole('heading', { name: 'Contoso Pharma (UK)', level: 1 }).waitFor();
    expect((await world.store.getTenant(world.org, tenantId)).name).toBe('Contoso Pharma (UK)');

    await page.getByRole('button', { name: 'Delete Contoso Pharma (UK)', exact: true }).click();
    const dialog = page.getByRole('alertdialog');
    expect(await dialog.textContent()).toMatch(/Delete Contoso Pharma \(UK\)\?.*share link/s);
    await checkA11y(page, 'delete a tenant');
    await screenshots(page, 'tenant-delete-confirm');
    await dialog.getByRole('button', { name: 'Delete Contoso Pharma (UK)' }).click();
    await page.getByRole('heading', { name: 'Portfolio', level: 1 }).waitFor();
    expect(await page.getByText('Contoso Pharma (UK)').count()).toBe(0);
    expect(await audited('tenant.delete')).toHaveLength(1);
    await page.goto(`${host.url}/tenants/${tenantId}`);
    await page.getByRole('heading', { name: 'Tenant not found', level: 1 }).waitFor();
  });
});
