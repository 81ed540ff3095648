/** Verifying a pack with nothing but WebCrypto and fflate: runs in a browser, sends nothing anywhere. */
import { checkPack, type VerifyOptions, type VerifyReport } from './check.ts';
import { webCryptoHasher, zipReader } from './read-zip.ts';

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
export { type Hasher, type PackReading, webCryptoHasher, zipReader } from './read-zip.ts';

const SLICE = 1024 * 1024;

export async function verifyPackBytes(bytes: Uint8Array, options: VerifyOptions = {}): Promise<VerifyReport> {
  const reader = zipReader(webCryptoHasher);
  for (let at = 0; at < bytes.length; at += SLICE)
    reader.push(bytes.subarray(at, at + SLICE), at + SLICE >= bytes.length);
  if (bytes.length === 0) reader.push(bytes, true);
  return checkPack(await reader.finish(), options);
}
