/** Verifying a pack with nothing but WebCrypto and fflate: runs in a browser, sends nothing anywhere. */
import { type ByteSource, blobSource, bytesSource } from './byte-source.ts';
import { checkPack, type VerifyOptions, type VerifyReport } from './check.ts';
import { type Hasher, readPack, webCryptoHasher } from './read-zip.ts';

export { type ByteSource, blobSource, bytesSource } from './byte-source.ts';
export { checkPack, type VerifyOptions, type VerifyReport } from './check.ts';
export {
  ENVELOPE,
  type Jwks,
  jwks,
  KEYS,
  MANIFEST,
  type Manifest,
  manifest,
  PACK_FORMAT,
  SIGNATURE,
} from './manifest.ts';
export { type Hasher, type PackReading, readPack, webCryptoHasher } from './read-zip.ts';

/** Reads the end of the pack first, then each entry by offset, as an unzip tool does. */
export async function verifyPack(
  source: ByteSource,
  options: VerifyOptions = {},
  newHasher: () => Hasher = webCryptoHasher,
): Promise<VerifyReport> {
  return checkPack(await readPack(source, newHasher), options);
}

export const verifyPackBytes = (bytes: Uint8Array, options: VerifyOptions = {}) =>
  verifyPack(bytesSource(bytes), options);

/** A dropped `File`: only the slices being checked are in memory. */
export const verifyPackBlob = (blob: Blob, options: VerifyOptions = {}) => verifyPack(blobSource(blob), options);
