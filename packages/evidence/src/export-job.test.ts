import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openTestDatabase, type TestDatabase } from '@evident/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportJobHandler } from './export-job.ts';
import { publishedKeys, rotateSigningKey } from './keys.ts';
import { localStorage } from './storage/local.ts';
import { type PackWorld, packWorld } from './testing/world.ts';
import { verifyPackBytes } from './verify/index.ts';
import { announcePack, SIGNATURE_HEADER, verifyWebhookSignature } from './webhook.ts';

const SECRET = 'whsec-test-0123456789';

/** A loopback receiver that answers with the given statuses in turn and records what arrived. */
async function receiver(statuses: number[]) {
  const received: { body: string; signature: string | undefined; delivery: string | undefined; valid: boolean }[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      const signature = req.headers[SIGNATURE_HEADER] as string | undefined;
      const delivery = req.headers['x-evident-delivery'] as string | undefined;
      received.push({ body, signature, delivery, valid: verifyWebhookSignature(SECRET, body, signature) });
      res.statusCode = statuses[Math.min(received.length - 1, statuses.length - 1)]!;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/evidence`;
  return { url, received, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('the scheduled export handler', () => {
  let t: TestDatabase;
  let dir: string;
  let world: PackWorld;

  beforeAll(async () => {
    t = await openTestDatabase('pg');
    dir = await mkdtemp(join(tmpdir(), 'evident-export-job-'));
    world = await packWorld(t.store, 30);
  });
  afterAll(async () => {
    await t?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('stores a signed pack of the last period, prunes old ones, and announces it with a valid HMAC after a retry', async () => {
    const hook = await receiver([503, 200]);
    try {
      const storage = localStorage(dir);
      const payload = { organizationId: world.org, tenantId: world.tenant };
      const clock = { now: new Date(Date.now() + 60_000) };
      const handle = exportJobHandler({
        store: t.store,
        storage,
        retention: { keepLast: 1, maxAgeDays: 1 },
        webhook: { url: hook.url, secret: SECRET },
        now: () => clock.now,
      });
      const first = await handle(payload);
      expect(first.pack.manifest.assessments).toEqual([world.run]);
      expect(first.pack.manifest.period.from).toBe(new Date(clock.now.getTime() - 31 * 86_400_000).toISOString());
      expect(first.webhook).toEqual({ attempts: 2, status: 200 });
      expect(hook.received).toHaveLength(2);
      expect(hook.received.every((r) => r.valid)).toBe(true);
      expect(new Set(hook.received.map((r) => r.delivery)).size).toBe(1);
      expect(JSON.parse(hook.received[1]!.body)).toMatchObject({
        event: 'evidence-pack.created',
        tenantId: world.tenant,
        key: first.pack.stored.key,
        manifestSha256: first.pack.manifestSha256,
      });
      const listed = await storage.list(`${world.org}/${world.tenant}/`);
      expect(listed.map((o) => o.key)).toEqual([first.pack.stored.key]);
      const bytes = await readFile(join(dir, ...first.pack.stored.key.split('/')));
      const pinned = { trustedKeys: await publishedKeys(t.store, world.org) };
      expect(await verifyPackBytes(bytes, pinned)).toMatchObject({ ok: true });

      await rotateSigningKey(t.store, world.org);
      clock.now = new Date(clock.now.getTime() + 2 * 86_400_000);
      const second = await handle(payload);
      expect(second.deleted.map((o) => o.key)).toEqual([first.pack.stored.key]);
      expect((await storage.list(`${world.org}/${world.tenant}/`)).map((o) => o.key)).toEqual([second.pack.stored.key]);
      const rotated = { trustedKeys: await publishedKeys(t.store, world.org) };
      expect(await verifyPackBytes(bytes, rotated)).toMatchObject({ ok: true });
      const secondBytes = await readFile(join(dir, ...second.pack.stored.key.split('/')));
      const report = await verifyPackBytes(secondBytes, rotated);
      expect(report.ok).toBe(true);
      expect(report.kid).not.toBe((await verifyPackBytes(bytes, rotated)).kid);
    } finally {
      await hook.close();
    }
  });

  it('gives up on a webhook that refuses, without retrying a 4xx', async () => {
    const hook = await receiver([401]);
    try {
      const announcement = {
        event: 'evidence-pack.created' as const,
        organizationId: world.org,
        tenantId: world.tenant,
        key: 'k',
        size: 1,
        generatedAt: new Date().toISOString(),
        manifestSha256: '0'.repeat(64),
      };
      await expect(announcePack({ url: hook.url, secret: SECRET }, announcement, { backoffMs: 1 })).rejects.toThrow(
        /refused the announcement: HTTP 401/,
      );
      expect(hook.received).toHaveLength(1);
    } finally {
      await hook.close();
    }
  });
});
