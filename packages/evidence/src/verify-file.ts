import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { checkPack, type VerifyOptions, type VerifyReport } from './verify/check.ts';
import { type Hasher, zipReader } from './verify/read-zip.ts';

const nodeHasher = (): Hasher => {
  const hash = createHash('sha256');
  return { update: (chunk) => void hash.update(chunk), digest: async () => hash.digest('hex') };
};

/** Verifies a pack on disk, streaming: a pack of any size is read in bounded memory. */
export async function verifyPackFile(path: string, options: VerifyOptions = {}): Promise<VerifyReport> {
  const reader = zipReader(nodeHasher);
  for await (const chunk of createReadStream(path)) reader.push(chunk as Buffer);
  reader.push(new Uint8Array(0), true);
  return checkPack(await reader.finish(), options);
}
