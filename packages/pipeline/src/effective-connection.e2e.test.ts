import { generateKeyPairSync } from 'node:crypto';
import type { ConnectionId, ProviderAccountId, TenantId } from '@evident/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assessNow, waitForRun } from './index.ts';
import { openWorld, type World } from './testing/world.ts';

let w: World;
let account: ProviderAccountId;
let appSecret: Record<string, unknown>;
const made: { tenant: TenantId; connection: ConnectionId }[] = [];

beforeAll(async () => {
  w = await openWorld(['github-app-emu']);
  const [sim] = w.sims.connections('fourthcoffee');
  const { org, ...accountConfig } = sim!.config;
  const { installationId, ...secret } = sim!.secret;
  appSecret = secret;
  account = (
    await w.store.createProviderAccount(w.org, {
      kind: 'github',
      name: 'Acme GitHub App',
      config: accountConfig as never,
      secret: appSecret as never,
    })
  ).id;
  // Two customers' connections hold only what tells them apart; the App's key lives once, in the account.
  for (const name of ['Fourth Coffee east', 'Fourth Coffee west']) {
    const tenant = await w.store.createTenant(w.org, { name, kind: 'customer' });
    const connection = await w.store.createConnection(w.org, {
      tenantId: tenant.id,
      kind: 'github',
      name: `${name} GitHub`,
      config: { org: org as string },
      secret: { installationId: installationId as number },
      providerAccountId: account,
      externalId: `${name}-${installationId}`,
    });
    made.push({ tenant: tenant.id, connection: connection.id });
  }
  await w.start();
}, 60_000);
afterAll(async () => {
  await w?.close();
});

async function collectedAs(tenant: TenantId) {
  const runId = await assessNow(w.store, w.jobs, w.org, tenant);
  await waitForRun(w.store, w.org, runId, { timeoutMs: 60_000 });
  const [collection] = await w.store.listCollections(w.org, runId);
  return collection;
}

describe('a connection made from a provider account', () => {
  it('collects with the account credential merged under its own settings', async () => {
    for (const m of made) {
      const collection = await collectedAs(m.tenant);
      expect(collection?.status, collection?.error ?? '').not.toBe('failed');
      expect(collection?.factCount).toBeGreaterThan(0);
    }
  });

  it('follows the account when its credential is rotated: every connection at once', async () => {
    const wrong = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    }).privateKey;
    await w.store.rotateProviderAccountSecret(w.org, account, { ...appSecret, privateKey: wrong });
    for (const m of made) {
      const collection = await collectedAs(m.tenant);
      expect(collection).toMatchObject({ status: 'failed' });
      expect((await w.store.getConnection(w.org, m.connection)).status).toBe('needs_attention');
    }

    await w.store.rotateProviderAccountSecret(w.org, account, appSecret);
    for (const m of made) {
      const collection = await collectedAs(m.tenant);
      expect(collection?.status, collection?.error ?? '').not.toBe('failed');
      expect((await w.store.getConnection(w.org, m.connection)).status).toBe('ok');
    }
  });

  it('keeps the account while a connection runs with it, and says so', async () => {
    await expect(w.store.deleteProviderAccount(w.org, account)).rejects.toThrow(
      /"Acme GitHub App" is used by 2 connections/,
    );
    expect((await w.store.getProviderAccount(w.org, account)).name).toBe('Acme GitHub App');
  });
});
