import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import type { ByteSource } from './verify/byte-source.ts';
import type { VerifyOptions, VerifyReport } from './verify/check.ts';
import { verifyPack } from './verify/index.ts';
import type { Hasher } from './verify/read-zip.ts';

const nodeHasher = (): Hasher => {
  const hash = createHash('sha256');
  return { update: (chunk) => void hash.update(chunk), digest: async () => hash.digest('hex') };
};

/** Verifies a pack on disk by offset (its end, then each entry): a pack of any size is read in bounded memory. */
export async function verifyPackFile(path: string, options: VerifyOptions = {}): Promise<VerifyReport> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    const source: ByteSource = {
      size,
      read: async (offset, length) => {
        const buffer = new Uint8Array(Math.max(0, Math.min(length, size - offset)));
        let filled = 0;
        while (filled < buffer.length) {
          const { bytesRead } = await file.read(buffer, filled, buffer.length - filled, offset + filled);
          if (bytesRead === 0) break;
          filled += bytesRead;
        }
        return buffer.subarray(0, filled);
      },
    };
    return await verifyPack(source, options, nodeHasher);
  } finally {
    await file.close();
  }
}
