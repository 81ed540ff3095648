import { Unzip, UnzipInflate } from 'fflate';
import { ENVELOPE } from './manifest.ts';

/** SHA-256 fed chunk by chunk: node:crypto on the server, WebCrypto (which digests whole buffers) in a browser. */
export interface Hasher {
  update(chunk: Uint8Array): void;
  digest(): Promise<string>;
}

export interface ReadEntry {
  name: string;
  size: number;
  sha256: string;
  /** Set when the entry's data cannot be inflated. */
  error?: string;
}

export interface PackReading {
  entries: ReadEntry[];
  /** The bytes of the manifest, its signature and the keys (first copy of each). */
  envelope: Map<string, Uint8Array>;
  /** Set when the archive itself cannot be read. */
  error?: string;
}

const ENVELOPE_LIMIT = 8 * 1024 * 1024;

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Reads a zip pushed chunk by chunk, hashing each entry as it inflates; duplicate names are kept apart. */
export function zipReader(newHasher: () => Hasher) {
  const files: { name: string; size: number; hasher: Hasher; kept: Uint8Array[] | null; error?: string }[] = [];
  let error: string | undefined;
  const unzip = new Unzip((file) => {
    const f = {
      name: file.name,
      size: 0,
      hasher: newHasher(),
      kept: ENVELOPE.includes(file.name) ? [] : null,
    } as (typeof files)[number];
    files.push(f);
    file.ondata = (err, chunk) => {
      if (err) {
        f.error = err.message;
        return;
      }
      f.size += chunk.length;
      f.hasher.update(chunk);
      if (f.kept && f.size <= ENVELOPE_LIMIT) f.kept.push(chunk);
    };
    file.start();
  });
  unzip.register(UnzipInflate);
  return {
    push(chunk: Uint8Array, final = false) {
      if (error) return;
      try {
        unzip.push(chunk, final);
      } catch (e) {
        error = e instanceof Error ? e.message : String(e);
      }
    },
    async finish(): Promise<PackReading> {
      const envelope = new Map<string, Uint8Array>();
      const entries: ReadEntry[] = [];
      for (const f of files) {
        entries.push({
          name: f.name,
          size: f.size,
          sha256: await f.hasher.digest(),
          ...(f.error ? { error: f.error } : {}),
        });
        if (f.kept && !envelope.has(f.name)) envelope.set(f.name, concat(f.kept));
      }
      return { entries, envelope, ...(error ? { error } : {}) };
    },
  };
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
