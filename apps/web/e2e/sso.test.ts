import { createHash, X509Certificate } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openTestDatabase, type TestDatabase } from '@evident/db/testing';
import { preset } from '@evident/simulators';
import { type GraphSimulator, startGraphSimulator } from '@evident/simulators/graph';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { checkA11y, launch, signUp } from './browser.ts';
import { buildWebApp, startServerProcess } from './server.ts';

const PASSWORD = 'correct horse battery staple';
const OWNER = 'owner@woodgrove.example';
const TECH = 'tech@woodgrove.example';
const TENANT = '7c2f9a10-4b3d-4e6f-8a1b-2d3c4e5f6a7b';
const CLIENT = '1e9d8c7b-6a5f-4e3d-9c2b-1a0f9e8d7c6b';

/** Chromium trusts the simulator's self-signed certificate by its public key, and nothing else beyond the system's. */
function trustSwitch(pem: string): string {
  const spki = new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' });
  return `--ignore-certificate-errors-spki-list=${createHash('sha256').update(spki).digest('base64')}`;
}

describe('Sign in with Microsoft in Chromium, against the Graph simulator’s identity platform', () => {
  let db: TestDatabase;
  let sim: GraphSimulator;
  let dir: string;
  let host: Awaited<ReturnType<typeof startServerProcess>>;
  let owner: Awaited<ReturnType<typeof launch>>;
  let staff: Awaited<ReturnType<typeof launch>>;
  let page: Page;
  let origin = '';
  let signInLink = '';

  beforeAll(async () => {
    buildWebApp();
    const scenario = preset('msp-internal');
    scenario.tenants.find((t) => t.entra)!.entra!.tenantId = TENANT;
    sim = await startGraphSimulator(scenario);
    dir = await mkdtemp(join(tmpdir(), 'evident-sso-e2e-'));
    await writeFile(join(dir, 'sso-ca.pem'), sim.caCert);
    db = await openTestDatabase('pg');
    host = await startServerProcess(db, undefined, (port) => {
      origin = `http://localhost:${port}`;
      return {
        PUBLIC_ORIGIN: origin,
        EVIDENT_SSO_CA_FILE: join(dir, 'sso-ca.pem'),
        EVIDENT_ALLOWED_ENDPOINTS: new URL(sim.url).host,
      };
    });
    owner = await launch();
    page = await owner.context.newPage();
    await signUp(page, origin, 'Woodgrove MSP', OWNER, PASSWORD);
    await page.getByRole('button', { name: /I have saved them/ }).click();
    await page.getByRole('heading', { name: 'Portfolio' }).waitFor();
    staff = await launch([trustSwitch(sim.caCert)]);
  }, 240_000);

  afterAll(async () => {
    await staff?.close();
    await owner?.close();
    await host?.close();
    await sim?.close();
    await db?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('the owner sets it up under Settings → Security, and the page gives the sign-in link', async () => {
    await page.goto(`${origin}/settings/security`);
    await page.getByRole('heading', { name: 'Sign in with Microsoft' }).waitFor();
    await page.getByLabel('Entra tenant id').fill(TENANT);
    await page.getByLabel('Application (client) id').fill(CLIENT);
    await page.getByLabel('Client secret').fill('the app registration’s secret');
    await page.getByLabel('Identity platform (empty for Microsoft)').fill(sim.url);
    await page.getByRole('button', { name: 'Save Microsoft sign-in' }).click();
    await page.getByLabel('Client secret (leave empty to keep)').waitFor();
    signInLink = (await page.locator('code', { hasText: '/?org=org_' }).textContent()) ?? '';
    expect(signInLink).toMatch(/^http:\/\/localhost:\d+\/\?org=org_[0-9a-z]{26}$/);
    await checkA11y(page, 'settings-security-sso');
    const [account] = await db.store.staffAccountsByEmail(OWNER);
    await db.store.createUser(account!.organizationId, { email: TECH, role: 'analyst' });
  });

  test('a technician whose Microsoft sign-in proved MFA lands on the portfolio', async () => {
    sim.oidc.signInAs({ email: TECH, amr: ['pwd', 'mfa'] });
    const tab = await staff.context.newPage();
    await tab.goto(signInLink);
    await tab.getByRole('button', { name: 'Sign in with Microsoft' }).click();
    await tab.getByRole('heading', { name: 'Portfolio' }).waitFor();
    expect(new URL(tab.url()).pathname).toBe('/');
    await tab.getByText(TECH).waitFor();
    await tab.getByRole('button', { name: 'Sign out' }).click();
    await tab.getByRole('heading', { name: 'Sign in' }).waitFor();
    await tab.close();
  });

  test('an address that is not a member is refused in words, and nothing is signed in', async () => {
    sim.oidc.signInAs({ email: 'stranger@woodgrove.example', amr: ['pwd', 'mfa'] });
    const tab = await staff.context.newPage();
    await tab.goto(signInLink);
    await tab.getByRole('button', { name: 'Sign in with Microsoft' }).click();
    await tab.getByRole('heading', { name: 'Signing in with Microsoft' }).waitFor();
    await tab
      .getByText('stranger@woodgrove.example has no staff account here; ask an admin to invite you', { exact: false })
      .waitFor();
    await checkA11y(tab, 'sso-refused');
    await tab.goto(`${origin}/`);
    await tab.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await tab.getByRole('heading', { name: 'Portfolio' }).count()).toBe(0);
    await tab.close();

    const [account] = await db.store.staffAccountsByEmail(OWNER);
    const audit = await db.store.listAudit(account!.organizationId);
    const signIns = audit.filter((e) => e.data.method === 'sso.microsoft').map((e) => e.action);
    expect(signIns).toEqual(['auth.sign_in']);
    expect(audit.map((e) => e.action)).toContain('organization.sso_settings');
  });
});
