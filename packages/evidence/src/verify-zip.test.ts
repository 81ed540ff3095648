import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { strFromU8, strToU8, Unzip, UnzipInflate, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writePack } from './pack/write-pack.ts';
import { generateSigningKey, type SigningKey, toJwks } from './sign.ts';
import { memoryPackInput } from './testing/world.ts';
import {
  type CentralFields,
  type CraftFile,
  concatBytes,
  craftZip,
  hideInExtraField,
  localRecord,
  type Part,
} from './testing/zip-craft.ts';
import { verifyPackBlob, verifyPackBytes } from './verify/index.ts';
import { verifyPackFile } from './verify-file.ts';

const TOOLS = [
  ['unzip', ['-v'], 'Info-ZIP unzip (Debian package "unzip")'],
  ['python3', ['-c', 'import zipfile'], 'python3 with its zipfile module'],
] as const;

/** What each reader extracts: Info-ZIP unzip and Python's zipfile read the central directory. */
async function extract(tool: 'unzip' | 'python', zip: string, into: string): Promise<Map<string, string>> {
  await mkdir(into, { recursive: true });
  const run =
    tool === 'unzip'
      ? spawnSync('unzip', ['-o', zip, '-d', into], { encoding: 'utf8' })
      : spawnSync(
          'python3',
          ['-c', 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])', zip, into],
          { encoding: 'utf8' },
        );
  if (run.error) throw run.error;
  const files = new Map<string, string>();
  for (const entry of await readdir(into, { recursive: true, withFileTypes: true }))
    if (entry.isFile()) {
      const path = join(entry.parentPath, entry.name);
      files.set(relative(into, path), await readFile(path, 'utf8'));
    }
  return files;
}

/** What a reader that walks local headers in order (the way packs used to be verified) sees. */
function streamed(zip: Uint8Array): Map<string, string> {
  const seen = new Map<string, string>();
  const unzip = new Unzip((file) => {
    const chunks: Uint8Array[] = [];
    file.ondata = (err, chunk, final) => {
      if (err) return;
      chunks.push(chunk);
      if (final) seen.set(file.name, strFromU8(concatBytes(...chunks)));
    };
    file.start();
  });
  unzip.register(UnzipInflate);
  unzip.push(zip, true);
  return seen;
}

describe('a pack whose zip structure would let an unzip tool extract other bytes than were verified', () => {
  let key: SigningKey;
  let dir: string;
  let files: Record<string, Uint8Array>;
  let tampered: Uint8Array;
  let pristine: Uint8Array;

  beforeAll(async () => {
    for (const [tool, args, what] of TOOLS)
      if (spawnSync(tool, args).status !== 0) throw new Error(`these tests need ${what} on the PATH`);
    key = await generateSigningKey();
    const chunks: Uint8Array[] = [];
    await writePack(memoryPackInput(12), key, toJwks([key]), { write: (c) => void chunks.push(c) });
    pristine = concatBytes(...chunks);
    files = unzipSync(pristine);
    tampered = strToU8(`${strFromU8(files['identities.csv']!)}TAMPERED,everyone,mfa,true\r\n`);
    dir = await mkdtemp(join(tmpdir(), 'evident-zip-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  /** The pack's own files in its own order, each as the exporter writes it (deflate, data descriptor). */
  const genuine = (change: Partial<Record<string, Part | null>> = {}): Part[] =>
    Object.keys(files).flatMap((name) => {
      const part = name in change ? change[name] : { file: { name, data: files[name]!, flags: 0x0008 } };
      return part ? [part] : [];
    });
  const forged = (name = 'identities.csv', method: 0 | 8 = 0) => localRecord({ name, data: tampered, method });

  /** The same verdict from the CLI's path (a file read by offset) and the browser's (a dropped File, or bytes). */
  async function verifyBoth(zip: Uint8Array) {
    const file = join(dir, `pack-${Math.random().toString(36).slice(2)}.zip`);
    await writeFile(file, zip);
    const fromFile = await verifyPackFile(file);
    expect(await verifyPackBytes(zip)).toEqual(fromFile);
    expect(await verifyPackBlob(new Blob([zip]))).toEqual(fromFile);
    return { report: fromFile, file };
  }

  it('the untouched pack and one rebuilt by this writer both verify, and extract as verified', async () => {
    for (const zip of [pristine, craftZip(genuine())]) {
      const { report, file } = await verifyBoth(zip);
      expect(report).toMatchObject({ ok: true, problems: [] });
      for (const tool of ['unzip', 'python'] as const) {
        const out = await extract(tool, file, join(dir, `${tool}-${Math.random()}`));
        expect(out.get('identities.csv')).toBe(strFromU8(files['identities.csv']!));
      }
    }
  });

  interface Case {
    build: () => Uint8Array;
    problem: RegExp;
    /** Where the forged identities.csv lands when each tool extracts; null where that tool refuses the archive. */
    lands: { unzip: string | null; python: string | null };
    /** Whether a reader walking local headers in order sees only the genuine files, as packs used to be read. */
    hiddenFromStreaming?: boolean;
  }
  const LOCAL = 30;
  const cases: Record<string, Case> = {
    'the central directory points into a local extra field, at a forged entry': {
      build: () => hideInExtraField(files, 'identities.csv', tampered),
      problem: /^zip refused: \d+ bytes between "controls\.csv" and "identities\.csv" belong to no entry$/,
      lands: { unzip: 'identities.csv', python: 'identities.csv' },
      hiddenFromStreaming: true,
    },
    'the genuine entry left in place, unlisted, and a forged one listed after the others': {
      build: () =>
        craftZip([
          ...genuine({
            'identities.csv': { file: { name: 'identities.csv', data: files['identities.csv']! }, central: false },
          }),
          { file: { name: 'identities.csv', data: tampered } },
        ]),
      problem: /^zip refused: \d+ bytes between "controls\.csv" and "log-sources\.csv" belong to no entry$/,
      lands: { unzip: 'identities.csv', python: 'identities.csv' },
    },
    'the genuine entry unlisted after the last entry, before the central directory': {
      build: () =>
        craftZip([
          ...genuine({ 'identities.csv': { file: { name: 'identities.csv', data: tampered } } }),
          { file: { name: 'identities.csv', data: files['identities.csv']! }, central: false },
        ]),
      problem:
        /^zip refused: \d+ bytes between the last entry \("keys\.json"\) and the central directory belong to no entry$/,
      lands: { unzip: 'identities.csv', python: 'identities.csv' },
    },
    'a forged entry whose data spans the next entry, which is listed too (overlap)': {
      build: () => {
        const next = localRecord({ name: 'log-sources.csv', data: files['log-sources.csv']!, flags: 0x0008 });
        const start = LOCAL + 'identities.csv'.length + tampered.length;
        return craftZip(
          genuine({
            'identities.csv': {
              file: { name: 'identities.csv', data: concatBytes(tampered, next.bytes), method: 0 },
              central: (own) => [own, { ...next.central, offset: own.offset + start }],
            },
            'log-sources.csv': null,
          }),
        );
      },
      problem: /^zip refused: "log-sources\.csv" overlaps "identities\.csv"$/,
      lands: { unzip: 'identities.csv', python: 'identities.csv' },
    },
    'a forged entry in the archive comment': {
      build: () => {
        const hidden = forged();
        return craftZip(genuine({ 'identities.csv': null }), {
          comment: hidden.bytes,
          extraCentral: ({ commentAt }) => [{ ...hidden.central, offset: commentAt }],
        });
      },
      problem: /^zip refused: the archive carries a \d+-byte comment, which a pack never has$/,
      // Debian's unzip refuses an entry that overlaps the end record; Python's zipfile extracts it.
      lands: { unzip: null, python: 'identities.csv' },
    },
    'a forged entry after the end record': {
      build: () => {
        const hidden = forged();
        return craftZip(genuine({ 'identities.csv': null }), {
          trailing: hidden.bytes,
          extraCentral: ({ trailingAt }) => [{ ...hidden.central, offset: trailingAt }],
        });
      },
      problem: /^zip refused: \d+ bytes follow the end-of-central-directory record$/,
      lands: { unzip: 'identities.csv', python: 'identities.csv' },
    },
    'a forged archive appended to the genuine pack, its offsets counted from the start (two end records)': {
      build: () => {
        const shift = pristine.length;
        const second = craftZip([
          { raw: new Uint8Array(0) },
          ...genuine({ 'identities.csv': { file: { name: 'identities.csv', data: tampered } } }).map(
            (p): Part =>
              'file' in p ? { ...p, central: (own: CentralFields) => ({ ...own, offset: own.offset + shift }) } : p,
          ),
        ]);
        const end = second.length - 22;
        second.set(Uint8Array.of(...le32(new DataView(second.buffer).getUint32(end + 16, true) + shift)), end + 16);
        return concatBytes(pristine, second);
      },
      problem: /^zip refused: \d+ bytes before the first entry \("results\.json"\) belong to no entry$/,
      lands: { unzip: 'identities.csv', python: 'identities.csv' },
    },
    'the genuine pack prepended to a forged archive, offsets left as they were': {
      build: () =>
        concatBytes(
          pristine,
          craftZip(genuine({ 'identities.csv': { file: { name: 'identities.csv', data: tampered } } })),
        ),
      problem:
        /^zip refused: \d+ bytes lie between the central directory the end record names and the end record: prepended/,
      lands: { unzip: 'identities.csv', python: 'identities.csv' },
    },
    'the same name twice': {
      build: () => craftZip([...genuine(), { file: { name: 'identities.csv', data: tampered } }]),
      problem: /^zip refused: "identities\.csv" appears more than once in the central directory$/,
      lands: { unzip: 'identities.csv', python: 'identities.csv' },
    },
    'names that differ only in case': {
      build: () => craftZip([...genuine(), { file: { name: 'IDENTITIES.CSV', data: tampered } }]),
      problem: /^zip refused: "identities\.csv" and "IDENTITIES\.CSV" differ only in case$/,
      lands: { unzip: 'IDENTITIES.CSV', python: 'IDENTITIES.CSV' },
    },
    'a name that climbs out of the folder': {
      build: () => craftZip([...genuine(), { file: { name: '../identities.csv', data: tampered } }]),
      problem: /^zip refused: "\.\.\/identities\.csv" climbs out of the folder/,
      lands: { unzip: 'identities.csv', python: 'identities.csv' },
    },
    'an absolute name': {
      build: () => craftZip([...genuine(), { file: { name: '/identities.csv', data: tampered } }]),
      problem: /^zip refused: "\/identities\.csv" is an absolute path$/,
      lands: { unzip: 'identities.csv', python: 'identities.csv' },
    },
    'a name that normalises to another entry': {
      build: () => craftZip([...genuine(), { file: { name: './identities.csv', data: tampered } }]),
      problem: /^zip refused: "\.\/identities\.csv" is not a plain relative path/,
      lands: { unzip: 'identities.csv', python: 'identities.csv' },
    },
  };

  it.each(Object.keys(cases))('%s: an unzip tool extracts the forgery, the verifier refuses it', async (name) => {
    const c = cases[name]!;
    const zip = c.build();
    const { report, file } = await verifyBoth(zip);
    expect(report.ok).toBe(false);
    expect(report.problems).toContainEqual(expect.stringMatching(c.problem));
    for (const tool of ['unzip', 'python'] as const) {
      const out = await extract(tool, file, join(dir, `${tool}-${Math.random()}`, 'inside'));
      const where = c.lands[tool];
      if (where === null) expect(out.get('identities.csv') ?? '', tool).not.toContain('TAMPERED');
      else expect(out.get(where), `${tool} extracts ${where}`).toContain('TAMPERED');
    }
    if (c.hiddenFromStreaming) expect(streamed(zip).get('identities.csv')).toBe(strFromU8(files['identities.csv']!));
  });

  it('a central directory that swaps two names: unzip extracts one file under the other name, the verifier refuses it', async () => {
    const swap = { 'identities.csv': 'controls.csv', 'controls.csv': 'identities.csv' } as Record<string, string>;
    const zip = craftZip(
      genuine().map((p): Part => {
        if (!('file' in p) || !(p.file.name in swap)) return p;
        return { ...p, central: (own) => ({ ...own, name: swap[own.name]! }) };
      }),
    );
    const { report, file } = await verifyBoth(zip);
    expect(report.problems).toEqual([
      'zip refused: "identities.csv" has another name in its local header',
      'zip refused: "controls.csv" has another name in its local header',
    ]);
    const out = await extract('unzip', file, join(dir, `unzip-${Math.random()}`));
    expect(out.get('identities.csv')).toBe(strFromU8(files['controls.csv']!));
    expect(streamed(zip).get('identities.csv')).toBe(strFromU8(files['identities.csv']!));
  });

  const identities = (file: Partial<CraftFile> = {}, central?: (own: CentralFields) => CentralFields): Part => ({
    file: { name: 'identities.csv', data: files['identities.csv']!, flags: 0x0008, ...file },
    ...(central ? { central } : {}),
  });
  const refusals: Record<string, { build: () => Uint8Array; problem: string | RegExp }> = {
    'a local header with another compression method': {
      build: () => craftZip(genuine({ 'identities.csv': identities({}, (own) => ({ ...own, method: 0 })) })),
      problem: 'zip refused: "identities.csv" has another compression method in its local header',
    },
    'a local header with other flags': {
      build: () => craftZip(genuine({ 'identities.csv': identities({}, (own) => ({ ...own, flags: 0x0808 })) })),
      problem: 'zip refused: "identities.csv" has other flags in its local header',
    },
    'a local header with another CRC-32 or size': {
      build: () =>
        craftZip(genuine({ 'identities.csv': identities({ flags: 0 }, (own) => ({ ...own, size: own.size - 1 })) })),
      problem:
        'zip refused: "identities.csv" states another CRC-32 or size in its local header than in the central directory',
    },
    'a data descriptor that disagrees with the central directory': {
      build: () => craftZip(genuine({ 'identities.csv': identities({}, (own) => ({ ...own, crc: own.crc ^ 1 })) })),
      problem: 'zip refused: "identities.csv" has a data descriptor that disagrees with the central directory',
    },
    'an extra field in a local header, hiding bytes': {
      build: () =>
        craftZip(
          genuine({
            'identities.csv': identities({
              localExtra: concatBytes(Uint8Array.of(0xfe, 0xca, 8, 0), tampered.subarray(0, 8)),
            }),
          }),
        ),
      problem:
        'zip refused: "identities.csv" carries a 12-byte extra field in its local header, which a pack never has',
    },
    'an extra field in the central directory': {
      build: () =>
        craftZip(
          genuine({ 'identities.csv': identities({}, (own) => ({ ...own, extra: Uint8Array.of(0xfe, 0xca, 0, 0) })) }),
        ),
      problem: /^zip refused: "identities\.csv" carries a 4-byte extra field in the central directory/,
    },
    'a comment on an entry': {
      build: () =>
        craftZip(
          genuine({ 'identities.csv': identities({}, (own) => ({ ...own, comment: tampered.subarray(0, 16) })) }),
        ),
      problem: 'zip refused: "identities.csv" carries a 16-byte comment, which a pack never has',
    },
    'an encrypted entry': {
      build: () => craftZip(genuine({ 'identities.csv': identities({ flags: 0x0009 }) })),
      problem: 'zip refused: "identities.csv" is encrypted',
    },
    'a symbolic link': {
      build: () =>
        craftZip(
          genuine({
            'identities.csv': identities({}, (own) => ({ ...own, madeBy: 0x0314, external: (0o120777 << 16) >>> 0 })),
          }),
        ),
      problem: 'zip refused: "identities.csv" is a directory, link or special file, not a plain file',
    },
    'a name outside printable ASCII': {
      build: () => craftZip([...genuine(), { file: { name: 'identities\u200b.csv', data: tampered } }]),
      problem: 'zip refused: "identities\\u200b.csv" has characters outside printable ASCII',
    },
    'a ZIP64 end record': {
      build: () => {
        const zip = craftZip(genuine());
        const locator = concatBytes(Uint8Array.of(0x50, 0x4b, 0x06, 0x07), new Uint8Array(16));
        return concatBytes(zip.subarray(0, zip.length - 22), locator, zip.subarray(zip.length - 22));
      },
      problem: 'zip refused: it is a ZIP64 archive, which a pack never is',
    },
    'an end record that is not the last bytes and has no comment to explain them': {
      build: () => concatBytes(craftZip(genuine()), new Uint8Array(3)),
      problem: 'zip refused: 3 bytes follow the end-of-central-directory record',
    },
    'an entry whose CRC-32 does not match what inflates': {
      build: () => craftZip(genuine({ 'identities.csv': identities({ crc: 0x12345678 }) })),
      problem:
        /^identities\.csv: cannot be read \(its CRC-32 [0-9a-f]{8} does not match the directory entry's 12345678\)$/,
    },
    'an entry that inflates to more than its stated size': {
      build: () => craftZip(genuine({ 'identities.csv': identities({ size: 10 }) })),
      problem: 'identities.csv: cannot be read (inflates to more than the 10 bytes its directory entry states)',
    },
    'an entry that inflates to less than its stated size': {
      build: () => craftZip(genuine({ 'identities.csv': identities({ size: files['identities.csv']!.length + 1 }) })),
      problem: /^identities\.csv: cannot be read \(inflates to \d+ bytes, its directory entry states \d+\)$/,
    },
  };

  it.each(Object.keys(refusals))('refuses %s', async (name) => {
    const { build, problem } = refusals[name]!;
    const { report } = await verifyBoth(build());
    expect(report.ok).toBe(false);
    expect(report.problems).toContainEqual(typeof problem === 'string' ? problem : expect.stringMatching(problem));
  });
});

const le32 = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
