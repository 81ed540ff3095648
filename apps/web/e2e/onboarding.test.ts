import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashPassword } from '@evident/api/testing';
import { egressPolicy } from '@evident/connector-kit';
import type { OrganizationId, TenantId } from '@evident/core';
import { openTestDatabase, type TestDatabase } from '@evident/db/testing';
import { createLogger, startWorker, watchAuditChains } from '@evident/pipeline';
import { FAST_CONNECTORS, REDIS_URL } from '@evident/pipeline/testing';
import { type Simulators, scenario, startSimulators } from '@evident/simulators';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { checkA11y, launch, screenshots, signIn, signUp } from './browser.ts';
import { buildWebApp, startServerProcess } from './server.ts';

const PASSWORD = 'correct horse battery staple';
const SECOND_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

/** A GitHub org whose token was made without admin:org: the check must name it before anything is saved. */
const world = scenario.parse({
  seed: 7,
  tenants: [
    {
      name: 'fabrikam',
      github: { org: 'fabrikam', members: 12, membersWithout2fa: 3, tokenScopes: ['read:org', 'read:audit_log'] },
    },
  ],
});

describe('a new MSP onboards a tenant in Chromium', () => {
  let db: TestDatabase;
  let sims: Simulators;
  let worker: Awaited<ReturnType<typeof startWorker>>;
  let host: Awaited<ReturnType<typeof startServerProcess>>;
  let browser: Awaited<ReturnType<typeof launch>>;
  let page: Page;
  let tenantId = '';
  const prefix = `e2e-onboard-${process.pid}-${Date.now()}`;

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
    host = await startServerProcess(db, prefix, { EVIDENT_ALLOWED_ENDPOINTS: sims.allowedEndpoints });
    browser = await launch();
    page = await browser.context.newPage();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await worker?.close();
    await sims?.close();
    await db?.close();
  });

  const orgId = async () =>
    (await page.evaluate(async () => (await (await fetch('/trpc/auth.me')).json()).result.data)).organization
      .id as OrganizationId;
  const latest = async () => db.store.latestResults(await orgId(), tenantId as TenantId);

  test('sign up → create a tenant → add GitHub: the check names the missing scope before saving → save → assess', async () => {
    await signUp(page, host.url, 'Contoso MSP', 'owner@contoso-msp.example', PASSWORD);
    await page.getByRole('button', { name: /I have saved them/ }).click();
    await page.getByRole('heading', { name: 'Portfolio' }).waitFor();

    await page.getByText('New tenant').click();
    await page.getByLabel('Tenant name').fill('Fabrikam');
    await checkA11y(page, 'new tenant');
    await page.getByRole('button', { name: 'Create tenant' }).click();
    await page.getByRole('heading', { name: 'Fabrikam', level: 1 }).waitFor();
    tenantId = new URL(page.url()).pathname.split('/').at(-1)!;

    await page.getByRole('button', { name: 'Add a connection' }).click();
    await page.getByLabel('Provider').selectOption('github');
    await page.getByLabel('Name', { exact: true }).fill('fabrikam-github');
    const sim = sims.connections('fabrikam').find((c) => c.kind === 'github')!;
    const config = sim.config as { org: string; endpoints: { api: string } };
    await page.getByLabel('Organization', { exact: true }).fill(config.org);
    await page.getByLabel('REST API (optional)').fill(config.endpoints.api);
    await page.getByLabel('Credential').selectOption({ label: 'Personal access token (classic)' });
    await page.getByLabel('Token').fill((sim.secret as { token: string }).token);
    // Help text comes from the connector's schema.
    await page.getByText('The organization login, as in https://github.com/<org>.').waitFor();
    await checkA11y(page, 'connection form');

    await page.getByRole('button', { name: 'Check access' }).click();
    const check = page.getByRole('status', { name: 'Access check' });
    await check.waitFor();
    expect(await check.textContent()).toMatch(/Missing — admin:org/);
    await screenshots(page, 'connection-check');
    expect(await db.store.listConnections(await orgId())).toEqual([]);

    await page.getByRole('button', { name: 'Save connection' }).click();
    await page.getByRole('heading', { name: /fabrikam-github/ }).waitFor();
    const token = (sim.secret as { token: string }).token;
    expect(await page.content()).not.toContain(token);

    await page.getByRole('button', { name: 'Assess now' }).click();
    await expect
      .poll(
        async () => {
          await page.reload();
          await page.getByRole('heading', { name: 'Controls' }).waitFor();
          // The heading shows before the results load; give them a moment before counting.
          const first = page.getByRole('link', { name: /^MFA-/ }).first();
          await first.waitFor({ timeout: 5_000 }).catch(() => {});
          return page.getByRole('link', { name: /^MFA-/ }).count();
        },
        { timeout: 90_000, interval: 1000 },
      )
      .toBeGreaterThan(0);
    await checkA11y(page, 'tenant after first assessment');
  }, 240_000);

  test('an exception asked for by the owner and approved by another admin changes the control at once', async () => {
    const results = await latest();
    const failing = results?.results.find((r) => r.status === 'fail' && r.failing.length > 0);
    expect(failing, 'the scenario has members without 2FA').toBeDefined();
    const controlId = failing!.controlId;

    await page.goto(`${host.url}/tenants/${tenantId}/exceptions`);
    await page.getByRole('heading', { name: 'Exceptions', level: 1 }).waitFor();
    await page.getByLabel('Every subject').check();
    await page.getByLabel('Reason').fill('Contractors leave on Friday; accepted by the customer');
    // The control is chosen explicitly: the form does not submit without one.
    await page.getByRole('button', { name: 'Ask for approval' }).click();
    expect(await page.getByLabel('Control').evaluate((e: HTMLSelectElement) => e.validity.valid)).toBe(false);
    await page.getByLabel('Control').selectOption(controlId);
    await checkA11y(page, 'new exception');
    await page.getByRole('button', { name: 'Ask for approval' }).click();
    await page.getByRole('status').filter({ hasText: 'Asked for approval' }).waitFor();
    await page.getByRole('cell', { name: 'Awaiting a colleague' }).waitFor();
    expect(await page.getByRole('button', { name: /^Approve/ }).count()).toBe(0);
    expect((await latest())!.results.find((r) => r.controlId === controlId)!.status).toBe('fail');

    // A second admin, in a browser of their own, approves it; the stored facts are evaluated again at once.
    const org = await orgId();
    const admin = await db.store.createUser(org, {
      email: 'second@contoso-msp.example',
      role: 'admin',
      passwordHash: await hashPassword(PASSWORD),
    });
    await db.store.setTotpSecret(org, admin.id, SECOND_SECRET);
    await db.store.confirmTotp(org, admin.id);
    const other = await launch();
    try {
      const colleague = await other.context.newPage();
      await signIn(colleague, host.url, 'second@contoso-msp.example', PASSWORD, SECOND_SECRET);
      await colleague.goto(`${host.url}/tenants/${tenantId}/exceptions`);
      const before = results!.run.id;
      await colleague.getByRole('button', { name: new RegExp(`^Approve the exception for ${controlId}`) }).click();
      await colleague.getByRole('status').filter({ hasText: 'in force now' }).waitFor();
      await checkA11y(colleague, 'exception approved');
      await expect.poll(async () => (await latest())?.run.id, { timeout: 60_000, interval: 500 }).not.toBe(before);
    } finally {
      await other.close();
    }
    const after = (await latest())!.results.find((r) => r.controlId === controlId)!;
    expect(after.status).not.toBe('fail');
    expect(after.excepted.length).toBeGreaterThan(0);
    await page.reload();
    await page.getByRole('cell', { name: 'owner@contoso-msp.example' }).first().waitFor();
    expect(await page.getByRole('cell', { name: 'second@contoso-msp.example' }).count()).toBeGreaterThan(0);
    await page.goto(`${host.url}/tenants/${tenantId}`);
    const controls = page.getByRole('region', { name: 'Controls' });
    const row = controls
      .getByRole('row')
      .filter({ has: page.getByRole('link', { name: new RegExp(`^${controlId}`) }) });
    expect(await row.getByRole('cell').first().textContent()).not.toContain('Fail');
    await checkA11y(page, 'tenant after the exception');
  }, 240_000);

  test('a tampered audit chain, found by the scheduled pass, is a banner on every page and on the audit page', async () => {
    const org = await orgId();
    await page.goto(`${host.url}/audit`);
    await page.getByRole('heading', { name: 'Audit log', level: 1 }).waitFor();
    await page.getByText(/^Verified: /).waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
    await checkA11y(page, 'audit log');

    if (db.database.driver !== 'pg') throw new Error('the test tampers through PostgreSQL');
    await db.database.pool.query(
      `begin;
       alter table audit_events disable trigger audit_events_append_only;
       update audit_events set actor = 'mallory' where organization_id = '${org}' and seq = 2;
       alter table audit_events enable trigger audit_events_append_only;
       commit;`,
    );
    const anchorFile = join(await mkdtemp(join(tmpdir(), 'evident-e2e-anchor-')), 'anchors.jsonl');
    const report = await watchAuditChains(db.store, db.database, createLogger({ level: 'silent' }), { anchorFile });
    expect(report.broken.map((b) => b.organizationId)).toContain(org);

    await page.goto(`${host.url}/`);
    const banner = page.getByRole('alert').filter({ hasText: 'The audit log failed verification.' });
    await banner.waitFor();
    expect(await banner.textContent()).toContain('event 2');
    await checkA11y(page, 'portfolio with an audit alert');
    await screenshots(page, 'audit-alert');
    await banner.getByRole('link', { name: 'Open the audit log' }).click();
    await page.getByRole('heading', { name: 'Audit log', level: 1 }).waitFor();
    await page.getByText(/^Broken at event 2/).waitFor();
  }, 120_000);
});
