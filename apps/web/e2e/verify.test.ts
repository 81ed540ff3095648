import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openTestDatabase, type TestDatabase } from '@evident/db/testing';
import { generateSigningKey, toJwks, writePack } from '@evident/evidence';
import { memoryPackInput } from '@evident/evidence/testing';
import { unzipSync, zipSync } from 'fflate';
import type { Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { checkA11y, launch, signUp } from './browser.ts';
import { buildWebApp, startServerProcess } from './server.ts';

describe('the verify page in Chromium', () => {
  let db: TestDatabase;
  let host: Awaited<ReturnType<typeof startServerProcess>>;
  let browser: Awaited<ReturnType<typeof launch>>;
  let page: Page;
  let dir: string;
  let pristine: string;
  let tampered: string;
  let bytes: Buffer;
  const requests: Request[] = [];

  beforeAll(async () => {
    buildWebApp();
    db = await openTestDatabase('pg');
    dir = await mkdtemp(join(tmpdir(), 'evident-verify-e2e-'));
    host = await startServerProcess(db, undefined, { EVIDENT_EXPORTS_DIR: join(dir, 'exports') });
    browser = await launch();
    page = await browser.context.newPage();
    page.on('request', (r) => requests.push(r));
    const key = await generateSigningKey();
    const chunks: Uint8Array[] = [];
    await writePack(memoryPackInput(40), key, toJwks([key]), { write: (c) => void chunks.push(c) });
    bytes = Buffer.concat(chunks);
    const files = unzipSync(bytes);
    const csv = files['identities.csv']!;
    csv[csv.length - 5] = csv[csv.length - 5]! ^ 0x01;
    pristine = join(dir, 'pristine.zip');
    tampered = join(dir, 'tampered.zip');
    await writeFile(pristine, bytes);
    await writeFile(tampered, zipSync(files));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await db?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function verify(file: string) {
    await page.goto(`${host.url}/verify`);
    await page.getByRole('heading', { name: 'Verify an evidence pack' }).waitFor();
    const loaded = requests.length;
    await page.locator('input[type=file]').setInputFiles(file);
    await page.locator('.verify-report h2').waitFor();
    // The pack never leaves the browser: after the page loaded, only script chunks were fetched, with no body.
    const after = requests.slice(loaded);
    for (const r of after) {
      expect(r.method(), r.url()).toBe('GET');
      expect(r.postDataBuffer(), r.url()).toBeNull();
      expect(new URL(r.url()).pathname, r.url()).toMatch(/^\/assets\//);
    }
  }

  test('an untouched pack verifies, in the browser, sending nothing', async () => {
    await verify(pristine);
    await expect.poll(() => page.locator('.verify-report h2').textContent()).toContain('verified');
    expect(await page.locator('.problems li').count()).toBe(0);
    await checkA11y(page, 'verify');
  });

  test('a pack with one changed byte fails, naming the file', async () => {
    await verify(tampered);
    await expect.poll(() => page.locator('.verify-report h2').textContent()).toContain('FAILED');
    const problems = await page.locator('.problems li').allTextContents();
    expect(problems.join('\n')).toMatch(/identities\.csv/);
    expect(problems.every((p) => !/results\.json|controls\.csv|report\.pdf/.test(p))).toBe(true);
  });

  test('staff find a tenant’s pack on its page, download it, and it verifies', async () => {
    await signUp(page, host.url, 'Packs MSP', 'owner@packs.example', 'correct horse battery staple');
    await page.getByRole('button', { name: /I have saved them/ }).click();
    await page.getByRole('heading', { name: 'Portfolio' }).waitFor();
    const me = await page.evaluate(async () => (await (await fetch('/trpc/auth.me')).json()).result.data);
    const tenant = await db.store.createTenant(me.organization.id, { name: 'Contoso Ltd', kind: 'customer' });
    const folder = join(dir, 'exports', me.organization.id, tenant.id);
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'evidence-20261201T060000Z.zip'), bytes);
    await page.goto(`${host.url}/tenants/${tenant.id}`);
    await page.getByRole('heading', { name: 'Evidence packs' }).waitFor();
    const link = page.getByRole('link', { name: 'evidence-20261201T060000Z.zip' });
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const saved = join(dir, 'downloaded.zip');
    await download.saveAs(saved);
    await verify(saved);
    await expect.poll(() => page.locator('.verify-report h2').textContent()).toContain('verified');
  });
});
