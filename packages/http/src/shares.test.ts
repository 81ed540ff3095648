import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashPassword, totpCode } from '@evident/api/testing';
import type { OrganizationId } from '@evident/core';
import { exportPack, localStorage } from '@evident/evidence';
import { packWorld } from '@evident/evidence/testing';
import { openWorld, type World } from '@evident/pipeline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from './start.ts';

const PASSWORD = 'correct horse battery staple';
const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

describe('a share link over HTTP', () => {
  let world: World;
  let server: RunningServer;
  let dir: string;
  let org: OrganizationId;
  let tenant: string;
  let packName: string;

  /** A browser's tRPC call: the session cookie, the CSRF header and, on a shared page, the share token. */
  const call = async (path: string, init: { cookie?: string; share?: string; body?: unknown } = {}) => {
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-evident-csrf': '1' };
    if (init.cookie) headers.cookie = init.cookie;
    if (init.share) headers['x-evident-share'] = init.share;
    const res = await fetch(`${server.url}/trpc/${path}`, {
      method: init.body === undefined ? 'GET' : 'POST',
      headers,
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
    return {
      status: res.status,
      cookie: res.headers.get('set-cookie')?.split(';')[0],
      json: (await res.json()) as { result: { data: Record<string, unknown> } },
    };
  };

  beforeAll(async () => {
    world = await openWorld(['healthy'], 'pg');
    dir = await mkdtemp(join(tmpdir(), 'evident-http-shares-'));
    const s = await packWorld(world.store);
    org = s.org;
    tenant = s.tenant;
    const exported = await exportPack(
      { store: world.store, storage: localStorage(dir) },
      { organizationId: s.org, tenantId: s.tenant },
      new Date('2026-12-01T06:00:00.000Z'),
    );
    packName = exported.stored.key.split('/').pop()!;
    const user = await world.store.createUser(org, {
      email: 'admin@shares.example',
      role: 'admin',
      passwordHash: await hashPassword(PASSWORD),
    });
    await world.store.setTotpSecret(org, user.id, SECRET);
    await world.store.confirmTotp(org, user.id);
    server = await startServer(
      {
        port: 0,
        host: '127.0.0.1',
        redisUrl: 'redis://127.0.0.1:6379',
        secretKey: world.db.key,
        queuePrefix: world.prefix,
        allowSignUp: false,
        logLevel: 'silent',
        exports: { dir },
      },
      { database: world.db.database },
    );
  });

  afterAll(async () => {
    await server?.close();
    await world?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('dies with its tenant: page, API and pack downloads refused, and every access before was logged', async () => {
    const password = await call('auth.signIn', {
      body: { email: 'admin@shares.example', password: PASSWORD, organizationId: org },
    });
    const verified = await call('auth.verify', { cookie: password.cookie!, body: { code: await totpCode(SECRET) } });
    expect(verified.status).toBe(200);
    const cookie = verified.cookie!;
    const created = await call('shares.create', {
      cookie,
      body: {
        tenantId: tenant,
        label: 'auditor',
        sections: ['status', 'history', 'evidence_packs'],
        expiresInDays: 30,
      },
    });
    expect(created.status).toBe(200);
    const { id: shareId, token } = created.json.result.data as { id: string; token: string };
    const download = `${server.url}/s/${token}/evidence-packs/${packName}`;

    // While the tenant lives: the page opens, the API answers, the pack downloads, and each is in the access log.
    expect((await fetch(`${server.url}/s/${token}`)).status).not.toBe(404);
    expect((await call('shared.view', { share: token })).status).toBe(200);
    expect((await fetch(download)).status).toBe(200);
    const log = await call(
      `shares.accesses?input=${encodeURIComponent(JSON.stringify({ tenantId: tenant, shareId }))}`,
      {
        cookie,
      },
    );
    const what = (log.json.result.data.accesses as { what: string }[]).map((a) => a.what);
    expect(what).toEqual([`evidence_pack.download ${packName}`, 'shared.view', 'page']);
    const audit = await world.store.listAudit(org, { limit: 1000 });
    const byShare = audit.filter((e) => e.actor === `share:${shareId}`).map((e) => e.action);
    expect(byShare).toEqual(['share.access', 'share.access', 'evidence_pack.download']);

    expect((await call('tenant.delete', { cookie, body: { tenantId: tenant } })).status).toBe(200);

    // The link is dead everywhere, and its share was revoked with the tenant (the MSP cannot reach it any more).
    expect((await fetch(`${server.url}/s/${token}`)).status).toBe(404);
    expect((await call('shared.view', { share: token })).status).toBe(401);
    expect(
      (
        await call(`shared.history?input=${encodeURIComponent(JSON.stringify({ controlId: 'MFA-01' }))}`, {
          share: token,
        })
      ).status,
    ).toBe(401);
    expect((await fetch(download)).status).toBe(404);
    expect((await world.store.getShare(org, shareId)).revokedAt).not.toBeNull();
    const deletion = (await world.store.listAudit(org, { limit: 1000 })).find((e) => e.action === 'tenant.delete');
    expect(deletion?.data).toMatchObject({ sharesRevoked: 1 });
  });

  it('refuses a token of any length without a lookup, on every route alike', async () => {
    const long = 'x'.repeat(4000);
    expect((await fetch(`${server.url}/s/${long}`)).status).toBe(404);
    expect((await call('shared.view', { share: long })).status).toBe(401);
    expect((await fetch(`${server.url}/s/${long}/evidence-packs/${packName}`)).status).toBe(404);
  });
});
