import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signedIn, testDeps } from '@evident/api/testing';
import type { TenantId } from '@evident/core';
import { generateSecretKey } from '@evident/db';
import { openTestDatabase, type TestDatabase } from '@evident/db/testing';
import {
  packStorage,
  publishedKeys,
  SIGNATURE_HEADER,
  storageSettingsFromEnv,
  storedPacks,
  verifyPackFile,
  verifyWebhookSignature,
} from '@evident/evidence';
import { createLogger, type RunningWorker, startWorker } from '@evident/pipeline';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readEnv } from './env.ts';
import { exportsFrom } from './exports.ts';

const REDIS_URL = 'redis://127.0.0.1:6379';
const SECRET = 'the receiver and the worker share this';

interface Delivery {
  body: string;
  signature: string | undefined;
}

let t: TestDatabase;
let dir: string;
let producer: Redis;
let worker: RunningWorker | undefined;
let hook: Server;
const deliveries: Delivery[] = [];
const prefix = `evident-export-e2e-${randomUUID()}`;

beforeAll(async () => {
  t = await openTestDatabase('pg');
  dir = await mkdtemp(join(tmpdir(), 'evident-scheduled-export-'));
  producer = new Redis(REDIS_URL);
  hook = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    deliveries.push({ body, signature: req.headers[SIGNATURE_HEADER] as string | undefined });
    res.writeHead(204).end();
  });
  await new Promise<void>((ok) => hook.listen(0, '127.0.0.1', ok));
});

afterAll(async () => {
  await worker?.close(1_000);
  const keys = await producer?.keys(`${prefix}:*`);
  if (keys?.length) await producer.del(...keys);
  await producer?.quit();
  await new Promise((ok) => hook?.close(ok));
  await t?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function poll<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

it('a tenant’s export schedule fires in the running worker: the pack is stored, listed, verifies and is announced', async () => {
  // The worker's settings as the environment gives them, through the app's own schema and wiring.
  const env = readEnv({
    DATABASE_URL: 'postgres://unused',
    EVIDENT_SECRET_KEY: generateSecretKey(),
    EVIDENT_QUEUE_PREFIX: prefix,
    EVIDENT_EXPORTS_DIR: dir,
    EVIDENT_EXPORT_WEBHOOK_URL: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/packs`,
    EVIDENT_EXPORT_WEBHOOK_SECRET: SECRET,
  });
  worker = await startWorker({
    store: t.store,
    database: t.database,
    redis: REDIS_URL,
    prefix: env.EVIDENT_QUEUE_PREFIX,
    logger: createLogger({ level: 'silent' }),
    exports: exportsFrom(env),
  });

  // The server's side: the same storage settings, the schedule set and the packs listed through the API.
  const jobs = { connection: producer, prefix };
  const deps = testDeps(t.store, {
    packs: storedPacks(packStorage(storageSettingsFromEnv(env)), jobs, () => new Date()),
  });
  const owner = await signedIn(deps, { email: 'owner@northwind.example', organizationName: 'Northwind MSP' });
  const tenant = await owner.call.tenant.create({ name: 'Contoso', kind: 'customer' });
  expect(await owner.call.packs.list({ tenantId: tenant.id })).toEqual([]);
  // Every minute: the first pack comes at the next minute boundary.
  await owner.call.packs.setSchedule({ tenantId: tenant.id, cron: '* * * * *', tz: 'Europe/London' });

  const delivery = await poll('the webhook announcing the pack', () => deliveries[0], 150_000);
  await owner.call.packs.clearSchedule({ tenantId: tenant.id });
  expect(verifyWebhookSignature(SECRET, delivery.body, delivery.signature)).toBe(true);
  expect(verifyWebhookSignature('another secret entirely', delivery.body, delivery.signature)).toBe(false);
  const announced = JSON.parse(delivery.body) as { key: string; organizationId: string; tenantId: TenantId };
  expect(announced).toMatchObject({ event: 'evidence-pack.created', organizationId: owner.org, tenantId: tenant.id });

  const listed = await owner.call.packs.list({ tenantId: tenant.id });
  expect(listed.map((p) => p.name)).toContain(announced.key.slice(announced.key.lastIndexOf('/') + 1));

  const verdict = await verifyPackFile(join(dir, ...announced.key.split('/')), {
    trustedKeys: await publishedKeys(t.store, owner.org),
  });
  expect(verdict).toMatchObject({ ok: true, problems: [] });
}, 240_000);
