import { randomBytes } from 'node:crypto';
import { newId } from '@evident/core';
import { openTestDatabase, type TestDatabase } from '@evident/db/testing';
import type { CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { checkA11y, launch, signUp } from './browser.ts';
import { buildWebApp, startServerProcess } from './server.ts';

const PASSWORD = 'correct horse battery staple';
const EMAIL = 'owner@fabrikam.example';

/** Chromium's virtual platform authenticator: resident keys, user verification, presence touched at once. */
async function virtualAuthenticator(page: Page): Promise<CDPSession> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return cdp;
}

describe('passkeys in Chromium with a virtual authenticator', () => {
  let db: TestDatabase;
  let host: Awaited<ReturnType<typeof startServerProcess>>;
  let browser: Awaited<ReturnType<typeof launch>>;
  let page: Page;
  // A relying party id must be a domain: the app is served as localhost, the origin passkeys are bound to.
  let origin = '';

  beforeAll(async () => {
    buildWebApp();
    db = await openTestDatabase('pg');
    host = await startServerProcess(db, undefined, (port) => {
      origin = `http://localhost:${port}`;
      return { PUBLIC_ORIGIN: origin };
    });
    browser = await launch();
    page = await browser.context.newPage();
    await virtualAuthenticator(page);
    await signUp(page, origin, 'Fabrikam MSP', EMAIL, PASSWORD);
    await page.getByRole('button', { name: /I have saved them/ }).click();
    await page.getByRole('heading', { name: 'Portfolio' }).waitFor();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await db?.close();
  });

  const signOut = async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  };

  test('enrols and renames a passkey under Settings → Security', async () => {
    await page.goto(`${origin}/settings/security`);
    await page.getByRole('heading', { name: 'Your passkeys' }).waitFor();
    await page.getByText('No passkey yet.').waitFor();
    await page.getByLabel('Name for the new passkey').fill('Laptop');
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await page.getByRole('rowheader', { name: /Laptop/ }).waitFor();
    await page.getByRole('button', { name: 'Rename Laptop' }).click();
    await page.getByLabel('New name for Laptop').fill('Work laptop');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('rowheader', { name: /Work laptop/ }).waitFor();
    await checkA11y(page, 'settings-security');
  });

  test('signs in passwordless after signing out', async () => {
    await signOut();
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.getByRole('heading', { name: 'Portfolio' }).waitFor();
  });

  test('signs in with the password and the passkey as the second step', async () => {
    await signOut();
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'Second step' }).waitFor();
    await page.getByRole('button', { name: 'Use a passkey' }).click();
    await page.getByRole('heading', { name: 'Portfolio' }).waitFor();
  });

  test('once required for owners, the second step offers the passkey alone', async () => {
    await page.goto(`${origin}/settings/security`);
    await page.getByLabel('Require passkeys for owners and admins').click();
    await page.getByText(/^Required: owners and admins sign in with a passkey/).waitFor();
    await signOut();
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByText('Your organization requires a passkey for owners and admins.').waitFor();
    expect(await page.getByLabel('Six-digit code from your authenticator').count()).toBe(0);
    await page.getByRole('button', { name: 'Use a passkey' }).click();
    await page.getByRole('heading', { name: 'Portfolio' }).waitFor();
    await page.goto(`${origin}/settings/security`);
    await page.getByLabel('Require passkeys for owners and admins').click();
    await page.getByText(/^Not required/).waitFor();
  });

  test('the owner revokes a colleague’s passkeys from Settings → Staff, after seeing which go', async () => {
    const [account] = await db.store.staffAccountsByEmail(EMAIL);
    const org = account!.organizationId;
    const colleague = await db.store.createUser(org, { email: 'tech@fabrikam.example', role: 'analyst' });
    await db.store.addPasskey(org, colleague.id, {
      id: newId('pky'),
      credentialId: randomBytes(32).toString('base64url'),
      publicKey: randomBytes(77),
      counter: 0,
      transports: ['internal'],
      deviceType: 'singleDevice',
      backedUp: false,
      name: 'Lost phone',
      at: new Date(),
    });
    await page.goto(`${origin}/settings/staff`);
    await page.getByRole('button', { name: 'Revoke passkeys of tech@fabrikam.example' }).click();
    const dialog = page.getByRole('alertdialog');
    await dialog.getByText('Revoke the passkey of tech@fabrikam.example: Lost phone?').waitFor();
    await checkA11y(page, 'settings-staff-revoke-passkeys');
    await dialog.getByRole('button', { name: 'Revoke passkey' }).click();
    await page.getByText('Revoked Lost phone of tech@fabrikam.example; their sessions have ended.').waitFor();
    expect(await db.store.listPasskeys(org, colleague.id)).toEqual([]);
    // The owner's own passkey stays.
    expect(await db.store.listPasskeys(org, account!.userId)).toHaveLength(1);
  });

  test('a revoked passkey signs in no more, and every step is in the audit log', async () => {
    await page.goto(`${origin}/settings/security`);
    await page.getByRole('button', { name: 'Revoke Work laptop' }).click();
    await page.getByText('No passkey yet.').waitFor();
    await signOut();
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.getByText('that passkey was not accepted').waitFor();
    expect(await page.getByRole('heading', { name: 'Portfolio' }).count()).toBe(0);

    const [account] = await db.store.staffAccountsByEmail(EMAIL);
    const audit = await db.store.listAudit(account!.organizationId);
    const actions = audit.map((e) => `${e.action}${e.data.method ? `:${e.data.method}` : ''}`);
    expect(actions).toEqual(
      expect.arrayContaining([
        'auth.passkey_enrolled',
        'auth.passkey_renamed',
        'auth.passkey_revoked',
        'organization.passkeys_required',
      ]),
    );
    expect(actions.filter((a) => a === 'auth.sign_in:passkey')).toHaveLength(3);
  });
});
