import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase, createStore, generateSecretKey, migrate } from '@evident/db';
import { generateSigningKey, toJwks } from '@evident/evidence';
import { packWorld } from '@evident/evidence/testing';
import { hideInExtraField } from '@evident/evidence/testing/zip';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Io } from '../io.ts';
import { main } from '../main.ts';
import { BIN, node, type Run } from '../testing/spawn.ts';

async function inProcess(...args: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    out: (t) => {
      stdout += t;
    },
    err: (t) => {
      stderr += t;
    },
  };
  return { code: await main(args, io), stdout, stderr };
}

describe('evident export and evident verify', () => {
  let dir: string;
  let pack: string;
  let jwksFile: string;
  let tenant: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'evident-cli-evidence-'));
    const url = join(dir, 'pgdata');
    const key = { id: 'cli-test', key: generateSecretKey() };
    const database = await createDatabase({ url });
    await migrate(database);
    const world = await packWorld(createStore(database, { secrets: { current: key } }), 12);
    await database.close();
    tenant = world.tenant;
    jwksFile = join(dir, 'org.jwks.json');
    const env = {
      DATABASE_URL: url,
      EVIDENT_SECRET_KEY: key.key,
      EVIDENT_SECRET_KEY_ID: key.id,
      EVIDENT_DATA_DIR: dir,
    };
    const out = join(dir, 'packs');
    const run = await node(
      [BIN, 'export', '--org', world.org, '--tenant', world.tenant, '--out', out, '--jwks', jwksFile],
      env,
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const [name] = await readdir(out);
    pack = join(out, name!);
    expect(run.stdout).toContain(pack);
  }, 120_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('verifies the exported pack, pinned to the published keys', async () => {
    const r = await inProcess('verify', pack, '--key', jwksFile);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/verified\n {2}tenant Contoso/);
    expect(r.stdout).toContain('8 files match the manifest');
    expect(r.stdout).not.toContain('note:');
  });

  it('verifies with the keys in the pack, and says that only proves integrity', async () => {
    const r = await inProcess('verify', pack);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('note: the signing key was taken from the pack itself');
  });

  it('exits 1 naming each problem of a tampered pack', async () => {
    const files = unzipSync(await readFile(pack));
    files['identities.csv']![40]! ^= 0x20;
    delete files['report.html'];
    const tampered = join(dir, 'tampered.zip');
    await writeFile(tampered, zipSync(files));
    const r = await inProcess('verify', tampered, '--key', jwksFile, '--format', 'json');
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([
      expect.stringMatching(/^identities\.csv: SHA-256 .* does not match/),
      'report.html: listed in the manifest but missing from the pack',
    ]);
    expect(report.tenant.id).toBe(tenant);
  });

  it('exits 1 for a pack whose central directory points unzip at a forged file its local headers hide', async () => {
    const files = unzipSync(await readFile(pack));
    const forged = join(dir, 'forged.zip');
    await writeFile(forged, hideInExtraField(files, 'identities.csv', strToU8('forged,identity\r\n')));
    const r = await inProcess('verify', forged, '--key', jwksFile);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /NOT verified\n {2}zip refused: \d+ bytes between "controls\.csv" and "identities\.csv" belong to no entry\n/,
    );
  });

  it('exits 1 for a pack signed with a key the organization does not publish', async () => {
    const stranger = join(dir, 'stranger.jwks.json');
    await writeFile(stranger, JSON.stringify(toJwks([await generateSigningKey()])));
    const r = await inProcess('verify', pack, '--key', stranger);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/NOT verified\n {2}signature: made with key \S+, which is not among the keys given/);
  });

  it('exits 2 on a bad command line', async () => {
    expect((await inProcess('verify')).code).toBe(2);
    expect((await inProcess('verify', join(dir, 'nope.zip'))).code).toBe(2);
    await writeFile(join(dir, 'bad.json'), strToU8('{"nope":1}'));
    expect((await inProcess('verify', pack, '--key', join(dir, 'bad.json'))).stderr).toMatch(
      /neither a JWK set nor a JWK/,
    );
    expect((await inProcess('export', '--tenant', tenant)).code).toBe(2);
  });
});
