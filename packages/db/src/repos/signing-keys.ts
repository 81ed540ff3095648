import type { OrganizationId } from '@evident/core';
import { and, asc, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { seal, unseal } from '../crypto.ts';
import { organizations } from '../schema/organizations.ts';
import { signingKeys } from '../schema/signing-keys.ts';
import { found, iso, isoOrNull, parseInput, type RepoContext } from './boundary.ts';

type Row = typeof signingKeys.$inferSelect;

export const signingKeyContext = (org: OrganizationId, kid: string) => `signing key ${kid} of ${org}`;

const jwk = z.record(z.string(), z.string());
const addInput = z.object({
  kid: z.string().regex(/^[A-Za-z0-9_-]{16,128}$/, 'a key id is 16–128 base64url characters'),
  publicJwk: jwk,
  privateJwk: jwk,
});
export type AddSigningKeyInput = z.input<typeof addInput>;

/** A public key as published: never the private half. */
export interface PublicSigningKey {
  kid: string;
  publicJwk: Record<string, string>;
  createdAt: string;
  retiredAt: string | null;
}

const toPublic = (row: Row): PublicSigningKey => ({
  kid: row.kid,
  publicJwk: row.publicJwk,
  createdAt: iso(row.createdAt),
  retiredAt: isoOrNull(row.retiredAt),
});

export function signingKeysRepo({ db, keyring }: RepoContext) {
  return {
    /**
     * Makes `input` the organization's active signing key and retires the one before it, in one transaction
     * serialised on the organization's row, so there is never more than one active key.
     */
    async addSigningKey(org: OrganizationId, input: AddSigningKeyInput): Promise<PublicSigningKey> {
      const values = parseInput(addInput, input, 'signing key');
      return db.transaction(async (tx) => {
        const [owner] = await tx
          .select({ id: organizations.id })
          .from(organizations)
          .where(eq(organizations.id, org))
          .for('no key update');
        found(owner, 'organization', org);
        const now = new Date();
        await tx
          .update(signingKeys)
          .set({ retiredAt: now })
          .where(and(eq(signingKeys.organizationId, org), isNull(signingKeys.retiredAt)));
        const sealed = seal(keyring, JSON.stringify(values.privateJwk), signingKeyContext(org, values.kid));
        const [row] = await tx
          .insert(signingKeys)
          .values({
            organizationId: org,
            kid: values.kid,
            publicJwk: values.publicJwk,
            privateKeyCiphertext: sealed.ciphertext,
            privateKeyIv: sealed.iv,
            privateKeyTag: sealed.tag,
            privateKeyKeyId: sealed.keyId,
            createdAt: now,
          })
          .returning();
        return toPublic(row!);
      });
    },

    /** The active key with its private half opened; null when the organization has none yet. */
    async activeSigningKey(
      org: OrganizationId,
    ): Promise<{ kid: string; publicJwk: Record<string, string>; privateJwk: Record<string, string> } | null> {
      const [row] = await db
        .select()
        .from(signingKeys)
        .where(and(eq(signingKeys.organizationId, org), isNull(signingKeys.retiredAt)));
      if (!row) return null;
      const sealed = {
        ciphertext: row.privateKeyCiphertext,
        iv: row.privateKeyIv,
        tag: row.privateKeyTag,
        keyId: row.privateKeyKeyId,
      };
      const privateJwk = JSON.parse(unseal(keyring, sealed, signingKeyContext(org, row.kid))) as Record<string, string>;
      return { kid: row.kid, publicJwk: row.publicJwk, privateJwk };
    },

    /** Every public key of the organization, retired ones too (older packs were signed with them), oldest first. */
    async listSigningKeys(org: OrganizationId): Promise<PublicSigningKey[]> {
      const rows = await db
        .select()
        .from(signingKeys)
        .where(eq(signingKeys.organizationId, org))
        .orderBy(asc(signingKeys.createdAt), asc(signingKeys.kid));
      return rows.map(toPublic);
    },
  };
}
