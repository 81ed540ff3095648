import { CompactSign, calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import type { Jwks } from './verify/manifest.ts';

export const SIGNING_ALG = 'EdDSA';

export interface SigningKey {
  kid: string;
  publicJwk: Record<string, string>;
  privateJwk: Record<string, string>;
}

/** A fresh Ed25519 key; its id is the RFC 7638 thumbprint of the public half. */
export async function generateSigningKey(): Promise<SigningKey> {
  const { publicKey, privateKey } = await generateKeyPair('Ed25519', { extractable: true });
  const pub = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(pub);
  const publicJwk = { kty: pub.kty!, crv: pub.crv!, x: pub.x!, kid, alg: SIGNING_ALG, use: 'sig' };
  return { kid, publicJwk, privateJwk: { ...((await exportJWK(privateKey)) as Record<string, string>), kid } };
}

/** A detached compact JWS (RFC 7515 appendix F): `header..signature` over the manifest's bytes. */
export async function signDetached(payload: Uint8Array, key: SigningKey): Promise<string> {
  const privateKey = await importJWK(key.privateJwk as JWK, SIGNING_ALG);
  const jws = await new CompactSign(payload).setProtectedHeader({ alg: SIGNING_ALG, kid: key.kid }).sign(privateKey);
  const [header, , signature] = jws.split('.');
  return `${header}..${signature}`;
}

export function toJwks(keys: readonly { publicJwk: Record<string, string> }[]): Jwks {
  return { keys: keys.map((k) => ({ ...k.publicJwk, kty: k.publicJwk.kty ?? 'OKP' })) };
}
