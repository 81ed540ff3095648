import { mkdtemp, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyRetention } from './retention.ts';
import { localStorage } from './storage/local.ts';
import { s3Storage } from './storage/s3.ts';
import { packStorage, storageSettingsFromEnv } from './storage/settings.ts';
import { ObjectNotFoundError, type PackStorage } from './storage/storage.ts';
import { s3Loopback } from './testing/s3-loopback.ts';

async function* bytes(...parts: string[]) {
  for (const p of parts) yield new TextEncoder().encode(p);
}

async function read(stream: AsyncIterable<Uint8Array>): Promise<string> {
  const chunks: Uint8Array[] = [];
  for await (const c of stream) chunks.push(c);
  return Buffer.concat(chunks).toString('utf8');
}

/** What every storage must do; run against the local folder here. */
function storageContract(name: string, open: () => PackStorage) {
  describe(`${name} storage`, () => {
    it('puts, lists by prefix, gets and deletes', async () => {
      const s = open();
      const stored = await s.put('org_a/ten_a/evidence-1.zip', bytes('hello ', 'pack'));
      expect(stored).toMatchObject({ key: 'org_a/ten_a/evidence-1.zip', size: 10 });
      await s.put('org_a/ten_b/evidence-1.zip', bytes('other'));
      expect((await s.list('org_a/ten_a/')).map((o) => o.key)).toEqual(['org_a/ten_a/evidence-1.zip']);
      expect(await read(await s.get('org_a/ten_a/evidence-1.zip'))).toBe('hello pack');
      await s.delete('org_a/ten_a/evidence-1.zip');
      await s.delete('org_a/ten_a/evidence-1.zip');
      expect(await s.list('org_a/ten_a/')).toEqual([]);
      await expect(s.get('org_a/ten_a/evidence-1.zip')).rejects.toBeInstanceOf(ObjectNotFoundError);
    });

    it('refuses keys that climb out of their folder', async () => {
      const s = open();
      await expect(s.put('../escape.zip', bytes('x'))).rejects.toThrow(/not a valid storage key/);
      await expect(s.get('org/../../etc/passwd')).rejects.toThrow(/not a valid storage key/);
    });

    it('keeps nothing of a put whose stream fails', async () => {
      const s = open();
      async function* broken() {
        yield new Uint8Array([1, 2, 3]);
        throw new Error('the writer failed');
      }
      await expect(s.put('org_f/ten_f/evidence-1.zip', broken())).rejects.toThrow(/the writer failed/);
      expect(await s.list('org_f/')).toEqual([]);
    });
  });
}

describe('packs on disk', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'evident-storage-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  storageContract('local', () => localStorage(dir));

  it('retention deletes packs past their age but always keeps the newest', async () => {
    const s = localStorage(dir);
    const now = new Date('2026-12-01T00:00:00Z');
    const day = 86_400_000;
    const ages = [400, 200, 100, 10];
    for (const [i, age] of ages.entries()) {
      await s.put(`org_r/ten_r/evidence-${i}.zip`, bytes(`pack ${i}`));
      const when = new Date(now.getTime() - age * day);
      await utimes(join(dir, 'org_r', 'ten_r', `evidence-${i}.zip`), when, when);
    }
    expect(await applyRetention(s, 'org_r/ten_r/', {}, now)).toEqual([]);
    const deleted = await applyRetention(s, 'org_r/ten_r/', { maxAgeDays: 150, keepLast: 1 }, now);
    expect(deleted.map((o) => o.key)).toEqual(['org_r/ten_r/evidence-0.zip', 'org_r/ten_r/evidence-1.zip']);
    const all = await applyRetention(s, 'org_r/ten_r/', { maxAgeDays: 1, keepLast: 1 }, now);
    expect(all.map((o) => o.key)).toEqual(['org_r/ten_r/evidence-2.zip']);
    expect((await s.list('org_r/ten_r/')).map((o) => o.key)).toEqual(['org_r/ten_r/evidence-3.zip']);
  });
});

describe('packs in an S3-compatible bucket (loopback)', () => {
  let s3: Awaited<ReturnType<typeof s3Loopback>>;
  const open = () =>
    s3Storage({
      bucket: 'evidence',
      prefix: 'packs/',
      client: {
        endpoint: s3.endpoint,
        region: 'us-east-1',
        forcePathStyle: true,
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      },
    });
  beforeAll(async () => {
    s3 = await s3Loopback('evidence');
  });
  afterAll(() => s3.close());

  storageContract('S3', open);

  it('sends a large pack in parts and reads it back whole', async () => {
    const big = Buffer.alloc(9 * 1024 * 1024 + 123, 7);
    async function* chunks() {
      for (let at = 0; at < big.length; at += 1 << 20) yield big.subarray(at, at + (1 << 20));
    }
    const stored = await open().put('org_m/ten_m/evidence-1.zip', chunks());
    expect(stored.size).toBe(big.length);
    expect(s3.requests.filter((r) => r === 'PUT part')).toHaveLength(2);
    expect(s3.objects.get('packs/org_m/ten_m/evidence-1.zip')?.data.equals(big)).toBe(true);
    const back: Uint8Array[] = [];
    for await (const c of await open().get('org_m/ten_m/evidence-1.zip')) back.push(c);
    expect(Buffer.concat(back).equals(big)).toBe(true);
  });

  it('is configured from the environment, with the access key it names', async () => {
    const env = {
      EVIDENT_EXPORTS_DIR: '/unused',
      EVIDENT_EXPORTS_S3_BUCKET: 'evidence',
      EVIDENT_EXPORTS_S3_ENDPOINT: s3.endpoint,
      EVIDENT_EXPORTS_S3_REGION: 'us-east-1',
      EVIDENT_EXPORTS_S3_ACCESS_KEY_ID: 'evident-packs',
      EVIDENT_EXPORTS_S3_SECRET_ACCESS_KEY: 'a-secret-of-the-bucket',
    };
    const storage = packStorage(storageSettingsFromEnv(env));
    await storage.put('org_e/ten_e/evidence-1.zip', bytes('abc'));
    expect(s3.objects.get('org_e/ten_e/evidence-1.zip')?.data).toEqual(Buffer.from('abc'));
    expect(s3.signedBy.at(-1)).toBe('evident-packs');
    expect(() => storageSettingsFromEnv({ ...env, EVIDENT_EXPORTS_S3_SECRET_ACCESS_KEY: undefined })).toThrow(
      /go together/,
    );
  });
});
