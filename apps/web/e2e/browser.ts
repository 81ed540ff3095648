import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as OTPAuth from 'otpauth';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';

export const ARTIFACTS = join(import.meta.dirname, '..', 'e2e-artifacts');

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Debian's Chromium with a fresh profile; each call is a separate browser, so no cookie crosses between them.
 * `args` adds switches (e.g. a simulator's certificate to trust).
 */
export async function launch(args: string[] = []): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = await mkdtemp(join(tmpdir(), 'evident-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    args: [...ARGS, ...args],
    viewport: { width: 1280, height: 860 },
  });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Per secret, the last time step whose code this process handed out. */
const handedOut = new Map<string, number>();

/**
 * A code the server has not accepted yet. Each code signs in once, and the server already accepts the next step's
 * code, so a second sign-in within 30 s gets that one; a third within the same step would have to wait.
 */
export function totp(secret: string): string {
  const current = Math.floor(Date.now() / 30_000);
  const step = Math.max(current, (handedOut.get(secret) ?? current - 1) + 1);
  if (step > current + 1) throw new Error('a third code for one secret within 30 s: the server accepts none yet');
  handedOut.set(secret, step);
  const generator = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), digits: 6, period: 30 });
  return generator.generate({ timestamp: step * 30_000 });
}

const axeSource = readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** No serious or critical axe violations on the page as it stands, in light and in dark. */
export async function checkA11y(page: Page, name: string) {
  // Evaluated over the DevTools protocol: the page's CSP (script-src 'self') rightly refuses an inline tag.
  await page.evaluate(await axeSource);
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    const violations = await page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run(): Promise<{ violations: Array<Record<string, unknown>> }> } })
        .axe;
      const result = await axe.run();
      return result.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => ({
          id: v.id,
          impact: v.impact,
          nodes: (v.nodes as Array<{ target: unknown }>).map((n) => n.target),
        }));
    });
    expect(violations, `${name} (${colorScheme})`).toEqual([]);
  }
  await page.emulateMedia({ colorScheme: null });
}

/** Screenshots of the page in light and dark, kept as test artifacts. */
export async function screenshots(page: Page, name: string) {
  await mkdir(ARTIFACTS, { recursive: true });
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await page.screenshot({ path: join(ARTIFACTS, `${name}-${colorScheme}.png`), fullPage: true });
  }
  await page.emulateMedia({ colorScheme: null });
}

/** Signs up a new organization through the pages and enrols the authenticator; returns the TOTP secret. */
/** Signs in with a password and the authenticator's code, and waits for the portfolio. */
export async function signIn(page: Page, url: string, email: string, password: string, totpSecret: string) {
  await page.goto(`${url}/sign-in`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByLabel('Six-digit code from your authenticator').fill(totp(totpSecret));
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.getByRole('heading', { name: 'Portfolio' }).waitFor();
}

export async function signUp(page: Page, url: string, org: string, email: string, password: string) {
  await page.goto(`${url}/`);
  await page.getByRole('link', { name: 'Create your organization' }).click();
  await page.getByLabel('Organization name').fill(org);
  await page.getByLabel('Your email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Create organization' }).click();
  await page.getByRole('heading', { name: 'Set up your authenticator' }).waitFor();
  const secret = (await page.getByTestId('totp-secret').textContent()) ?? '';
  await page.getByLabel('Six-digit code from the app').fill(totp(secret));
  await page.getByRole('button', { name: 'Confirm' }).click();
  await page.getByRole('heading', { name: 'Keep your recovery codes' }).waitFor();
  const codes = await page.getByRole('list', { name: 'Recovery codes' }).locator('code').allTextContents();
  return { secret, codes };
}
