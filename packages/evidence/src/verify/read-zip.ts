import { Inflate } from 'fflate';
import type { ByteSource } from './byte-source.ts';
import { crc32 } from './crc32.ts';
import { ENVELOPE } from './manifest.ts';
import { readLayout, type ZipEntry } from './zip-layout.ts';

/** SHA-256 fed chunk by chunk: node:crypto on the server, WebCrypto (which digests whole buffers) in a browser. */
export interface Hasher {
  update(chunk: Uint8Array): void;
  digest(): Promise<string>;
}

export interface ReadEntry {
  name: string;
  size: number;
  sha256: string;
  /** Set when the entry's data cannot be inflated or does not match its CRC-32 and size. */
  error?: string;
}

export interface PackReading {
  entries: ReadEntry[];
  /** The bytes of the manifest, its signature and the keys. */
  envelope: Map<string, Uint8Array>;
  /** Why the archive is refused as a whole: a reader could take it another way than this one. */
  refused?: string[];
}

const ENVELOPE_LIMIT = 8 * 1024 * 1024;
const READ = 1024 * 1024;
/** Deflate expands at most about 1:1032, so a 64 KiB push yields at most ~66 MB before the size check stops it. */
const INFLATE = 64 * 1024;

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

class EntryError extends Error {}

/** Inflates one entry by offset, checking what comes out against the central directory's CRC-32 and size. */
async function readEntry(source: ByteSource, e: ZipEntry, hasher: Hasher, kept: Uint8Array[] | null) {
  let size = 0;
  let crc = 0;
  const take = (chunk: Uint8Array) => {
    size += chunk.length;
    if (size > e.size) throw new EntryError(`inflates to more than the ${e.size} bytes its directory entry states`);
    crc = crc32(crc, chunk);
    hasher.update(chunk);
    if (kept && size <= ENVELOPE_LIMIT) kept.push(chunk);
  };
  const inflate = e.method === 8 ? new Inflate((chunk) => take(chunk)) : null;
  try {
    const stop = e.dataOffset + e.compressedSize;
    if (inflate && e.compressedSize === 0) inflate.push(new Uint8Array(0), true);
    for (let at = e.dataOffset; at < stop; at += READ) {
      const slice = await source.read(at, Math.min(READ, stop - at));
      if (!inflate) take(slice);
      else
        for (let i = 0; i < slice.length; i += INFLATE)
          inflate.push(slice.subarray(i, i + INFLATE), at + i + INFLATE >= stop);
    }
  } catch (err) {
    return { size, error: err instanceof EntryError ? err.message : `its data cannot be inflated (${String(err)})` };
  }
  if (size !== e.size) return { size, error: `inflates to ${size} bytes, its directory entry states ${e.size}` };
  if (crc !== e.crc)
    return { size, error: `its CRC-32 ${hex(crc)} does not match the directory entry's ${hex(e.crc)}` };
  return { size };
}

const hex = (n: number) => n.toString(16).padStart(8, '0');

/** Reads a pack as every unzip tool does, from its central directory; each entry hashed as it inflates. */
export async function readPack(source: ByteSource, newHasher: () => Hasher): Promise<PackReading> {
  const envelope = new Map<string, Uint8Array>();
  const layout = await readLayout(source);
  if ('problems' in layout) return { entries: [], envelope, refused: layout.problems };
  const entries: ReadEntry[] = [];
  for (const e of layout.entries) {
    const hasher = newHasher();
    const kept = ENVELOPE.includes(e.name) ? [] : null;
    const { size, error } = await readEntry(source, e, hasher, kept);
    entries.push({ name: e.name, size, sha256: await hasher.digest(), ...(error ? { error } : {}) });
    if (kept && !error) envelope.set(e.name, concat(kept));
  }
  return { entries, envelope };
}

/** WebCrypto has no incremental digest: the entry is held until it ends. */
export function webCryptoHasher(): Hasher {
  const chunks: Uint8Array[] = [];
  return {
    update: (chunk) => {
      chunks.push(chunk);
    },
    async digest() {
      const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', concat(chunks) as Uint8Array<ArrayBuffer>));
      return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
    },
  };
}
