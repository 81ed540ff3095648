import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writePack } from './pack/write-pack.ts';
import { generateSigningKey, type SigningKey, signDetached, toJwks } from './sign.ts';
import { memoryPackInput } from './testing/world.ts';
import { jwks, type VerifyOptions, verifyPackBlob, verifyPackBytes } from './verify/index.ts';
import { verifyPackFile } from './verify-file.ts';

const HASHED = [
  'results.json',
  'controls.csv',
  'identities.csv',
  'log-sources.csv',
  'exceptions.csv',
  'report.html',
  'report.pdf',
  'oscal/assessment-results.json',
];

async function makePack(key: SigningKey, keys = toJwks([key])): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  await writePack(memoryPackInput(40), key, keys, { write: (c) => void chunks.push(c) });
  return Buffer.concat(chunks);
}

describe('verifying a pack', () => {
  let key: SigningKey;
  let other: SigningKey;
  let pristine: Uint8Array;
  let dir: string;

  beforeAll(async () => {
    key = await generateSigningKey();
    other = await generateSigningKey();
    pristine = await makePack(key);
    dir = await mkdtemp(join(tmpdir(), 'evident-verify-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  /** The same verdict from the file read by offset (CLI) and the WebCrypto ones over a File or bytes (browser). */
  async function verifyBoth(bytes: Uint8Array, options: VerifyOptions = {}) {
    const file = join(dir, `pack-${Math.random().toString(36).slice(2)}.zip`);
    await writeFile(file, bytes);
    const fromFile = await verifyPackFile(file, options);
    for (const inBrowser of [await verifyPackBytes(bytes, options), await verifyPackBlob(new Blob([bytes]), options)]) {
      expect(inBrowser.problems).toEqual(fromFile.problems);
      expect(inBrowser.ok).toBe(fromFile.ok);
    }
    return fromFile;
  }

  const rezip = (change: (files: Record<string, Uint8Array>) => void) => {
    const files = unzipSync(pristine);
    change(files);
    return zipSync(files);
  };

  it('holds for the untouched pack, by its own keys and by pinned ones', async () => {
    const own = await verifyBoth(pristine);
    expect(own).toMatchObject({ ok: true, problems: [], kid: key.kid });
    expect(own.notes.join()).toMatch(/taken from the pack itself/);
    expect(await verifyBoth(pristine, { trustedKeys: toJwks([key]), keySource: 'keys.json' })).toMatchObject({
      ok: true,
      notes: [],
    });
  });

  it.each(HASHED)('names %s when one of its bytes changes', async (name) => {
    const tampered = rezip((files) => {
      const data = files[name]!;
      data[Math.floor(data.length / 2)]! ^= 0x01;
    });
    const report = await verifyBoth(tampered);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([
      expect.stringMatching(new RegExp(`^${name}: SHA-256 [0-9a-f]{64} does not match`)),
    ]);
  });

  it('names a file that grew', async () => {
    const report = await verifyBoth(
      rezip((files) => {
        files['controls.csv'] = strToU8(`${strFromU8(files['controls.csv']!)}MFA-99,pass\r\n`);
      }),
    );
    expect(report.problems).toEqual([expect.stringMatching(/^controls\.csv: \d+ bytes, the manifest says \d+/)]);
  });

  it('names a missing file and an extra one', async () => {
    const report = await verifyBoth(
      rezip((files) => {
        delete files['report.pdf'];
        files['notes.txt'] = strToU8('all good, trust me');
      }),
    );
    expect(report.problems.sort()).toEqual([
      'notes.txt: in the pack but not listed in the manifest',
      'report.pdf: listed in the manifest but missing from the pack',
    ]);
  });

  it('refuses a manifest changed after signing', async () => {
    const report = await verifyBoth(
      rezip((files) => {
        files['manifest.json'] = strToU8(strFromU8(files['manifest.json']!).replace('"Contoso"', '"Contoso Ltd"'));
      }),
    );
    expect(report.problems).toEqual([
      expect.stringMatching(/^signature: does not verify with key .*: the manifest was changed/),
    ]);
  });

  it('refuses a pack re-signed with another key: unknown to the pack, or unknown to the pinned keys', async () => {
    const resigned = async (keys: 'kept' | 'replaced') => {
      const files = unzipSync(pristine);
      files['manifest.jws'] = strToU8(await signDetached(files['manifest.json']!, other));
      if (keys === 'replaced') files['keys.json'] = strToU8(JSON.stringify(toJwks([other])));
      return zipSync(files);
    };
    const kept = await verifyBoth(await resigned('kept'));
    expect(kept.problems).toEqual([
      `signature: made with key ${other.kid}, which is not among the pack's keys.json (${key.kid})`,
    ]);
    const replaced = await verifyBoth(await resigned('replaced'), {
      trustedKeys: toJwks([key]),
      keySource: 'org.jwks',
    });
    expect(replaced.problems).toEqual([
      `signature: made with key ${other.kid}, which is not among the keys given (org.jwks) (${key.kid})`,
    ]);
    const impostor = { ...other, kid: key.kid, privateJwk: { ...other.privateJwk, kid: key.kid } };
    const files = unzipSync(pristine);
    files['manifest.jws'] = strToU8(await signDetached(files['manifest.json']!, impostor));
    const sameKid = await verifyBoth(zipSync(files));
    expect(sameKid.problems).toEqual([expect.stringMatching(/^signature: does not verify with key/)]);
  });

  it('still verifies a pack written by the 0.1.0 exporter, kept as it was written', async () => {
    const fixture = join(import.meta.dirname, 'fixtures', 'pack-0.1.0.zip');
    const keys = jwks.parse(
      JSON.parse(await readFile(join(import.meta.dirname, 'fixtures', 'pack-0.1.0.keys.json'), 'utf8')),
    );
    const report = await verifyBoth(await readFile(fixture), { trustedKeys: keys, keySource: 'pack-0.1.0.keys.json' });
    expect(report).toMatchObject({ ok: true, problems: [], notes: [], kid: keys.keys[0]!.kid });
    expect(report.manifest?.generator).toEqual({ name: '@evident/evidence', version: '0.1.0' });
  });

  it('keeps verifying packs signed before a rotation, with every published key', async () => {
    const after = await generateSigningKey();
    expect(await verifyBoth(pristine, { trustedKeys: toJwks([key, after]) })).toMatchObject({ ok: true });
  });

  it('fails a pack whose compressed bytes were changed in place', async () => {
    const raw = Uint8Array.from(pristine);
    raw[Math.floor(raw.length / 3)]! ^= 0xff;
    const report = await verifyBoth(raw);
    expect(report.ok).toBe(false);
    expect(report.problems.length).toBeGreaterThan(0);
  });

  it('says so when the archive is not a zip or has no manifest or signature', async () => {
    expect((await verifyBoth(strToU8('not a zip at all'))).problems).toEqual([
      'zip refused: no end-of-central-directory record: it is not a zip archive',
    ]);
    expect((await verifyBoth(zipSync({}))).problems).toEqual(['the pack holds no file']);
    const unsigned = await verifyBoth(rezip((files) => void delete files['manifest.jws']));
    expect(unsigned.problems).toEqual(['manifest.jws: is missing from the pack']);
  });
});
