import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OrganizationId } from '@evident/core';
import { openTestDatabase, type TestDatabase } from '@evident/db/testing';
import {
  activeSigningKey,
  generateSigningKey,
  publishedKeys,
  signDetached,
  toJwks,
  writePack,
} from '@evident/evidence';
import { memoryPackInput } from '@evident/evidence/testing';
import { hideInExtraField } from '@evident/evidence/testing/zip';
import { strToU8, unzipSync, zipSync } from 'fflate';
import type { Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { checkA11y, launch, screenshots, signUp } from './browser.ts';
import { buildWebApp, startServerProcess } from './server.ts';

describe('the verify page in Chromium', () => {
  let db: TestDatabase;
  let host: Awaited<ReturnType<typeof startServerProcess>>;
  let browser: Awaited<ReturnType<typeof launch>>;
  let page: Page;
  let dir: string;
  let org: OrganizationId;
  let orgKeys: string;
  let genuineBytes: Buffer;
  const packs: Record<'genuine' | 'resigned' | 'tampered' | 'forged' | 'stranger' | 'misnamed' | 'keyless', string> = {
    misnamed: '',
    keyless: '',
    genuine: '',
    resigned: '',
    tampered: '',
    forged: '',
    stranger: '',
  };
  const requests: Request[] = [];

  const pack = async (
    input: ReturnType<typeof memoryPackInput>,
    key: Awaited<ReturnType<typeof generateSigningKey>>,
  ) => {
    const chunks: Uint8Array[] = [];
    await writePack(input, key, toJwks([key]), { write: (c) => void chunks.push(c) });
    return Buffer.concat(chunks);
  };

  beforeAll(async () => {
    buildWebApp();
    db = await openTestDatabase('pg');
    dir = await mkdtemp(join(tmpdir(), 'evident-verify-e2e-'));
    host = await startServerProcess(db, undefined, { EVIDENT_EXPORTS_DIR: join(dir, 'exports') });
    browser = await launch();
    page = await browser.context.newPage();
    page.on('request', (r) => requests.push(r));
    await signUp(page, host.url, 'Packs MSP', 'owner@packs.example', 'correct horse battery staple');
    await page.getByRole('button', { name: /I have saved them/ }).click();
    await page.getByRole('heading', { name: 'Portfolio' }).waitFor();
    const me = await page.evaluate(async () => (await (await fetch('/trpc/auth.me')).json()).result.data);
    org = me.organization.id;

    // The organization's own pack, signed with the key the server publishes for it.
    const input = { ...memoryPackInput(40), organization: { id: org, name: 'Packs MSP' } };
    const key = await activeSigningKey(db.store, org);
    const keys = await publishedKeys(db.store, org);
    orgKeys = JSON.stringify(keys);
    const chunks: Uint8Array[] = [];
    await writePack(input, key, keys, { write: (c) => void chunks.push(c) });
    genuineBytes = Buffer.concat(chunks);
    const files = unzipSync(genuineBytes);

    // The same files, the manifest re-signed with a fresh key that the pack's keys.json now holds: intact, but whose?
    const fresh = await generateSigningKey();
    const resigned = unzipSync(genuineBytes);
    resigned['manifest.jws'] = strToU8(await signDetached(files['manifest.json']!, fresh));
    resigned['keys.json'] = strToU8(JSON.stringify(toJwks([fresh])));

    const tampered = unzipSync(genuineBytes);
    const csv = tampered['identities.csv']!;
    csv[csv.length - 5] = csv[csv.length - 5]! ^ 0x01;

    const write = async (name: keyof typeof packs, bytes: Uint8Array) => {
      packs[name] = join(dir, `${name}.zip`);
      await writeFile(packs[name], bytes);
    };
    await write('genuine', genuineBytes);
    await write('resigned', zipSync(resigned));
    await write('tampered', zipSync(tampered));
    await write('forged', hideInExtraField(files, 'identities.csv', strToU8('user,mfa\r\nforged,true\r\n')));
    const keyless = unzipSync(genuineBytes);
    delete keyless['keys.json'];
    await write('keyless', zipSync(keyless));
    await write('stranger', await pack(memoryPackInput(10), await generateSigningKey()));
    const other = { id: 'org_01m8t3g6y8ced297srcq4578ky', name: 'Someone Else Ltd' };
    const misnamed: Uint8Array[] = [];
    await writePack({ ...memoryPackInput(10), organization: other }, key, keys, {
      write: (c) => void misnamed.push(c),
    });
    await write('misnamed', Buffer.concat(misnamed));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await db?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const headline = () => page.locator('.verify-report h2').textContent();

  async function verify(file: string, path = '/verify') {
    await page.goto(`${host.url}${path}`);
    await page.getByRole('heading', { name: 'Verify an evidence pack' }).waitFor();
    const loaded = requests.length;
    await page.locator('input[type=file]').setInputFiles(file);
    await page.locator('.verify-report h2').waitFor();
    // The pack never leaves the browser: after the page loaded, only script chunks and public keys were fetched.
    const after = requests.slice(loaded);
    for (const r of after) {
      expect(r.method(), r.url()).toBe('GET');
      expect(r.postDataBuffer(), r.url()).toBeNull();
      expect(new URL(r.url()).pathname, r.url()).toMatch(/^\/(assets\/|\.well-known\/evident\/keys\/)/);
    }
    return after;
  }

  test('the genuine pack is signed by its organization, per the keys this server publishes, sending nothing', async () => {
    const after = await verify(packs.genuine);
    await expect.poll(headline).toContain('signed by Packs MSP');
    expect(after.map((r) => new URL(r.url()).pathname)).toContain(`/.well-known/evident/keys/${org}.json`);
    expect(await page.locator('.problems li').count()).toBe(0);
    await checkA11y(page, 'verify');
    await screenshots(page, 'verify-signed');
  });

  test('a pack re-signed with a fresh key is NOT verified: unknown signer, however the keys are pinned', async () => {
    for (const path of ['/verify', `/verify?keys=/.well-known/evident/keys/${org}.json`, `/verify?org=${org}`]) {
      await verify(packs.resigned, path);
      await expect.poll(headline, { message: path }).toContain('NOT verified: unknown signer');
      expect(await headline()).not.toContain('signed by');
      const words = await page.locator('.verdict').textContent();
      expect(words).toContain('The files are intact');
      expect(words).toContain('who signed this pack is not known');
    }
    await checkA11y(page, 'verify unknown signer');
    await screenshots(page, 'verify-unknown-signer');
  });

  test('a link that pins the organization’s keys (for a QR code) verifies the genuine pack', async () => {
    for (const path of [`/verify?keys=/.well-known/evident/keys/${org}.json`, `/verify?org=${org}`]) {
      await verify(packs.genuine, path);
      await expect.poll(headline, { message: path }).toContain('signed by Packs MSP');
    }
  });

  test('the genuine pack without its keys.json, which is not signed, is still signed by its organization', async () => {
    await verify(packs.keyless);
    await expect.poll(headline).toContain('signed by Packs MSP');
  });

  test('a pack naming another organization is not signed by it, though a pinned key signed it', async () => {
    await verify(packs.misnamed, `/verify?org=${org}`);
    await expect.poll(headline).toContain('NOT verified: unknown signer');
    expect(await page.locator('.verdict').textContent()).toContain(
      'the pack names organization org_01m8t3g6y8ced297srcq4578ky',
    );
  });

  test('a link cannot pin keys from another origin', async () => {
    await verify(packs.resigned, `/verify?keys=${encodeURIComponent('https://keys.example/org.json')}`);
    await expect.poll(headline).toContain('NOT verified: unknown signer');
    expect(await page.locator('.verdict').textContent()).toContain('is not on this server');
  });

  test('pasted keys pin too', async () => {
    await page.goto(`${host.url}/verify`);
    await page.getByLabel('Keys I paste').check();
    await page.getByLabel('Pasted keys').fill(orgKeys);
    await page.getByRole('button', { name: 'Use these keys' }).click();
    await page.locator('input[type=file]').setInputFiles(packs.resigned);
    await expect.poll(headline).toContain('NOT verified: unknown signer');
    await page.locator('input[type=file]').setInputFiles(packs.genuine);
    await expect.poll(headline).toContain('signed by Packs MSP');
  });

  test('a pack of an organization this server does not know is NOT verified: unknown signer', async () => {
    await verify(packs.stranger);
    await expect.poll(headline).toContain('NOT verified: unknown signer');
    expect(await page.locator('.verdict').textContent()).toContain('could not be loaded');
  });

  test('a pack with one changed byte fails, naming the file', async () => {
    await verify(packs.tampered);
    await expect.poll(headline).toContain('FAILED');
    const problems = await page.locator('.problems li').allTextContents();
    expect(problems.join('\n')).toMatch(/identities\.csv/);
    expect(problems.every((p) => !/results\.json|controls\.csv|report\.pdf/.test(p))).toBe(true);
  });

  test('a pack whose central directory points unzip at a forged file fails', async () => {
    await verify(packs.forged);
    await expect.poll(headline).toContain('FAILED');
    expect((await page.locator('.problems li').allTextContents()).join('\n')).toMatch(
      /zip refused: \d+ bytes between "controls\.csv" and "identities\.csv" belong to no entry/,
    );
  });

  test('staff find a tenant’s pack on its page, download it, and it is signed by their organization', async () => {
    const tenant = await db.store.createTenant(org, { name: 'Contoso Ltd', kind: 'customer' });
    const folder = join(dir, 'exports', org, tenant.id);
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'evidence-20261201T060000Z.zip'), genuineBytes);
    await page.goto(`${host.url}/tenants/${tenant.id}`);
    await page.getByRole('heading', { name: 'Evidence packs' }).waitFor();
    const link = page.getByRole('link', { name: 'evidence-20261201T060000Z.zip' });
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const saved = join(dir, 'downloaded.zip');
    await download.saveAs(saved);
    await verify(saved);
    await expect.poll(headline).toContain('signed by Packs MSP');
  });
});
