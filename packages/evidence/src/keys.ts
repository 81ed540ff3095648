import type { OrganizationId } from '@evident/core';
import type { Store } from '@evident/db';
import { generateSigningKey, type SigningKey, toJwks } from './sign.ts';
import type { Jwks } from './verify/manifest.ts';

/** Adds a new active signing key; the one before stays published, so packs it signed still verify. */
export async function rotateSigningKey(store: Store, org: OrganizationId): Promise<SigningKey> {
  const key = await generateSigningKey();
  await store.addSigningKey(org, key);
  return key;
}

/** The organization's active key, made on first use. */
export async function activeSigningKey(store: Store, org: OrganizationId): Promise<SigningKey> {
  return (await store.activeSigningKey(org)) ?? rotateSigningKey(store, org);
}

/** What the server publishes at its well-known URL and every pack carries: all public keys, retired ones too. */
export async function publishedKeys(store: Store, org: OrganizationId): Promise<Jwks> {
  return toJwks(await store.listSigningKeys(org));
}
