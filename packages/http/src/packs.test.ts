import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashPassword, totpCode } from '@evident/api/testing';
import { newId, type OrganizationId } from '@evident/core';
import { sha256 } from '@evident/db';
import { exportPack, localStorage } from '@evident/evidence';
import { packWorld } from '@evident/evidence/testing';
import { verifyPackBytes } from '@evident/evidence/verify';
import { openWorld, type World } from '@evident/pipeline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from './start.ts';

const PASSWORD = 'correct horse battery staple';
const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

describe('evidence packs over HTTP', () => {
  let world: World;
  let server: RunningServer;
  let dir: string;
  let pack: { org: OrganizationId; tenant: string; name: string };

  async function staff(org: OrganizationId, email: string) {
    const user = await world.store.createUser(org, {
      email,
      role: 'viewer',
      passwordHash: await hashPassword(PASSWORD),
    });
    await world.store.setTotpSecret(org, user.id, SECRET);
    await world.store.confirmTotp(org, user.id);
  }

  /** Signs in through the API as a browser would and returns the session cookie. */
  async function signIn(email: string, org: OrganizationId): Promise<string> {
    let cookie = '';
    const post = async (path: string, body: unknown) => {
      const res = await fetch(`${server.url}/trpc/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-evident-csrf': '1', ...(cookie ? { cookie } : {}) },
        body: JSON.stringify(body),
      });
      const set = res.headers.get('set-cookie');
      if (set) cookie = set.split(';')[0]!;
      expect(res.status, await res.clone().text()).toBe(200);
    };
    await post('auth.signIn', { email, password: PASSWORD, organizationId: org });
    await post('auth.verify', { code: await totpCode(SECRET) });
    return cookie;
  }

  beforeAll(async () => {
    world = await openWorld(['healthy'], 'pg');
    dir = await mkdtemp(join(tmpdir(), 'evident-http-packs-'));
    const s = await packWorld(world.store);
    const exported = await exportPack(
      { store: world.store, storage: localStorage(dir) },
      { organizationId: s.org, tenantId: s.tenant },
      new Date('2026-12-01T06:00:00.000Z'),
    );
    pack = { org: s.org, tenant: s.tenant, name: exported.stored.key.split('/').pop()! };
    await staff(s.org, 'auditor-liaison@pack.example');
    await staff(world.org, 'someone@other.example');
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

  it('publishes the organization’s keys, and a downloaded pack verifies against them', async () => {
    const keys = await fetch(`${server.url}/.well-known/evident/keys/${pack.org}.json`);
    expect(keys.status).toBe(200);
    const jwks = (await keys.json()) as { keys: { kid: string; d?: string }[] };
    expect(jwks.keys.length).toBe(1);
    expect(jwks.keys[0]!.d).toBeUndefined();
    expect((await fetch(`${server.url}/.well-known/evident/keys/org_00000000000000000000000000.json`)).status).toBe(
      404,
    );

    const cookie = await signIn('auditor-liaison@pack.example', pack.org);
    const res = await fetch(`${server.url}/evidence-packs/${pack.tenant}/${pack.name}`, { headers: { cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/zip');
    const bytes = new Uint8Array(await res.arrayBuffer());
    const report = await verifyPackBytes(bytes, { trustedKeys: jwks as never, keySource: keys.url });
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    const audit = await world.store.listAudit(pack.org, { afterSeq: 0, limit: 100 });
    expect(audit.map((e) => e.action)).toContain('evidence_pack.download');
  });

  it('refuses staff of another organization, anonymous callers and shares without the section', async () => {
    const url = `${server.url}/evidence-packs/${pack.tenant}/${pack.name}`;
    expect((await fetch(url)).status).toBe(403);
    const other = await signIn('someone@other.example', world.org);
    expect((await fetch(url, { headers: { cookie: other } })).status).toBe(404);

    const share = async (sections: string[]) => {
      const token = `tok${sections.join('')}${'x'.repeat(40)}`;
      await world.store.createShare(pack.org, sha256(token), {
        tenantId: pack.tenant as never,
        label: sections.join(','),
        sections: sections as never,
        createdBy: newId('usr'),
        expiresAt: new Date(Date.now() + 86_400_000),
      });
      return token;
    };
    const without = await share(['status', 'evidence']);
    expect((await fetch(`${server.url}/s/${without}/evidence-packs/${pack.name}`)).status).toBe(403);
    const withPacks = await share(['status', 'evidence_packs']);
    const ok = await fetch(`${server.url}/s/${withPacks}/evidence-packs/${pack.name}`);
    expect(ok.status).toBe(200);
    expect((await ok.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    expect((await fetch(`${server.url}/s/${withPacks}/evidence-packs/evidence-20200101T000000Z.zip`)).status).toBe(404);
    expect((await fetch(`${server.url}/s/not-a-token/evidence-packs/${pack.name}`)).status).toBe(404);
  });
});
