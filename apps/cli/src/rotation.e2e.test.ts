import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { currentTotpCode, hashPassword, newTotpSecret } from '@evident/api';
import { newId, type OrganizationId } from '@evident/core';
import { generateSecretKey } from '@evident/db';
import { openTestDatabase, type TestDatabase } from '@evident/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { environment } from './env.ts';
import { evidentWith } from './testing/spawn.ts';

const SERVER = fileURLToPath(new URL('../../server/bin/server.js', import.meta.url));
const WORKER = fileURLToPath(new URL('../../worker/bin/worker.js', import.meta.url));
const PASSWORD = 'correct horse battery staple';

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

/** A long-running app (server or worker) started as a deployment would, with `env` as its whole environment. */
function start(bin: string, env: Record<string, string>) {
  const child: ChildProcess = spawn(process.execPath, [bin], {
    env: { PATH: environment().PATH, LOG_LEVEL: 'warn', METADATA_SERVER_DETECTION: 'none', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  return {
    child,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('rotating EVIDENT_SECRET_KEY as the README says', () => {
  let db: TestDatabase;
  let dir: string;
  let org: OrganizationId;
  let totpSecret: string;
  const email = 'owner@rotation.example';
  const keyB = { id: 'k-b', key: generateSecretKey() };
  const stops: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    db = await openTestDatabase('pg');
    dir = await mkdtemp(join(tmpdir(), 'evident-rotation-'));
    // Everything so far sealed and signed with key A, the test database's key.
    org = newId('org');
    await db.store.createOrganization(org, { name: 'Rotating MSP' });
    const user = await db.store.createUser(org, {
      email,
      role: 'owner',
      passwordHash: await hashPassword(PASSWORD),
    });
    totpSecret = newTotpSecret();
    await db.store.setTotpSecret(org, user.id, totpSecret);
    await db.store.confirmTotp(org, user.id);
    await db.store.appendAudit(org, { actor: user.id, action: 'tenant.create' });
  }, 60_000);

  afterAll(async () => {
    for (const stop of stops.reverse()) await stop();
    await db?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('signs in with TOTP through the server, and the CLI and the worker verify the audit log, during and after', async () => {
    const keyA = db.key;
    const url = String(db.database.driver === 'pg' && db.database.pool.options.connectionString);
    const prefix = `rotation-${process.pid}-${Date.now()}`;
    // Step 1: every process gets B as the current key and A as a previous one.
    const keys = {
      DATABASE_URL: url,
      EVIDENT_SECRET_KEY: keyB.key,
      EVIDENT_SECRET_KEY_ID: keyB.id,
      EVIDENT_SECRET_KEYS_PREVIOUS: `${keyA.id}:${keyA.key}`,
    };
    const apps = { ...keys, REDIS_URL: 'redis://127.0.0.1:6379', EVIDENT_QUEUE_PREFIX: prefix };

    const port = await freePort();
    const server = start(SERVER, {
      ...apps,
      PORT: String(port),
      HOST: '127.0.0.1',
      AUTH_RATE_LIMIT_PER_MINUTE: '1000',
    });
    stops.push(server.stop);
    const base = `http://127.0.0.1:${port}`;
    await until('the server answering', async () => ((await fetch(`${base}/readyz`)).ok ? true : undefined));
    let cookie = '';
    const post = async (path: string, body: unknown) => {
      const res = await fetch(`${base}/trpc/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-evident-csrf': '1', ...(cookie ? { cookie } : {}) },
        body: JSON.stringify(body),
      });
      const set = res.headers.get('set-cookie');
      if (set) cookie = set.split(';')[0]!;
      return { status: res.status, text: await res.text() };
    };
    expect(await post('auth.signIn', { email, password: PASSWORD })).toMatchObject({ status: 200 });
    // The TOTP secret is still sealed with A: the server opens it with the previous key.
    const verified = await post('auth.verify', { code: currentTotpCode(totpSecret) });
    expect(verified.status, verified.text).toBe(200);

    // The chain now holds entries signed with A (before) and with B (the sign-in): both verify.
    const during = await evidentWith(keys, 'audit', 'verify');
    expect(during.code, during.stderr).toBe(0);
    expect(during.stdout).toMatch(new RegExp(`${org}: ok, \\d+ events`));

    const anchors = join(dir, 'anchors.jsonl');
    const worker = start(WORKER, { ...apps, EVIDENT_AUDIT_ANCHOR_FILE: anchors });
    stops.push(worker.stop);
    const anchored = await until('the worker anchoring the verified chain', async () => {
      const lines = (await readFile(anchors, 'utf8')).trim().split('\n');
      return lines.map((l) => JSON.parse(l) as { organizationId: string }).find((a) => a.organizationId === org);
    });
    expect(anchored).toBeDefined();
    await worker.stop();
    expect(await db.store.listAuditAlerts(org)).toEqual([]);

    // Step 2: re-seal under B. Step 3 keeps A listed: it opens nothing now, but still verifies what it signed.
    const rotated = await evidentWith(keys, 'rotate-secrets');
    expect(rotated.code, rotated.stderr).toBe(0);
    const after = await evidentWith(keys, 'audit', 'verify', '--anchors', anchors);
    expect(after.code, after.stderr).toBe(0);
    const withoutA = await evidentWith({ ...keys, EVIDENT_SECRET_KEYS_PREVIOUS: '' }, 'audit', 'verify');
    expect(withoutA.code).toBe(1);
    expect(withoutA.stderr).toMatch(/BROKEN at event 1/);
  }, 240_000);
});
