import { hashPassword } from '@evident/api/testing';
import { openWorld, type World } from '@evident/pipeline/testing';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { checkA11y, launch, screenshots, signIn } from './browser.ts';
import { buildWebApp, startServerProcess } from './server.ts';

const PASSWORD = 'correct horse battery staple';
const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

describe('assess now in Chromium', () => {
  let world: World;
  let worker: Awaited<ReturnType<World['start']>>;
  let host: Awaited<ReturnType<typeof startServerProcess>>;
  let browser: Awaited<ReturnType<typeof launch>>;
  let page: Page;

  beforeAll(async () => {
    buildWebApp();
    world = await openWorld(['healthy'], 'pg');
    const user = await world.store.createUser(world.org, {
      email: 'analyst@acme.example',
      role: 'admin',
      passwordHash: await hashPassword(PASSWORD),
    });
    await world.store.setTotpSecret(world.org, user.id, SECRET);
    await world.store.confirmTotp(world.org, user.id);
    worker = await world.start();
    host = await startServerProcess(world.db, world.prefix);
    browser = await launch();
    page = await browser.context.newPage();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await worker?.close();
    await world?.close();
  });

  test('signs in with password and TOTP, assesses a tenant and watches progress reach 100 %', async () => {
    await signIn(page, host.url, 'analyst@acme.example', PASSWORD, SECRET);

    const [name, tenantId] = [...world.tenants][0] ?? [];
    await page.goto(`${host.url}/tenants/${tenantId}`);
    await page.getByRole('heading', { name, level: 1 }).waitFor();
    await page.getByText('Not assessed yet.').waitFor();
    await page.getByRole('button', { name: 'Assess now' }).click();
    const overall = page.getByRole('progressbar', { name: 'Overall progress' });
    await overall.waitFor();
    await expect.poll(() => overall.getAttribute('value'), { timeout: 60_000 }).toBe('100');
    expect(await page.getByRole('progressbar').count()).toBeGreaterThan(1);
    await checkA11y(page, 'assessment progress');
    await screenshots(page, 'tenant-assessing');
    await expect
      .poll(
        async () => {
          await page.reload();
          // The heading shows while the results load: wait for the table or the empty state before counting.
          const controls = page.getByRole('region', { name: 'Controls' });
          await controls.getByRole('table').or(controls.getByText('Not assessed yet.')).waitFor();
          return controls.getByRole('link', { name: /^MFA-01/ }).count();
        },
        { timeout: 60_000, interval: 1000 },
      )
      .toBe(1);
    await checkA11y(page, 'tenant after assessment');
    await screenshots(page, 'tenant-assessed');
  }, 120_000);
});
