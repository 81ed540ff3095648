import type { OrganizationId } from '@evident/core';
import { sql } from 'drizzle-orm';
import { jsonb, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { at, sealedColumns } from './columns.ts';
import { organizations } from './organizations.ts';

const privateKey = sealedColumns('private_key');

/**
 * Ed25519 keys that sign an organization's evidence packs. The private half is sealed like every other secret;
 * retired keys stay, public half only in use, so packs signed before a rotation still verify.
 */
export const signingKeys = pgTable(
  'signing_keys',
  {
    organizationId: text('organization_id')
      .$type<OrganizationId>()
      .notNull()
      .references(() => organizations.id),
    /** The JWK thumbprint (RFC 7638) of the public key: the `kid` of every signature it makes. */
    kid: text('kid').notNull(),
    publicJwk: jsonb('public_jwk').$type<Record<string, string>>().notNull(),
    privateKeyCiphertext: privateKey.ciphertext.notNull(),
    privateKeyIv: privateKey.iv.notNull(),
    privateKeyTag: privateKey.tag.notNull(),
    privateKeyKeyId: privateKey.keyId.notNull(),
    createdAt: at('created_at').notNull().defaultNow(),
    retiredAt: at('retired_at'),
  },
  (t) => [
    primaryKey({ name: 'signing_keys_pkey', columns: [t.organizationId, t.kid] }),
    uniqueIndex('signing_keys_one_active_idx').on(t.organizationId).where(sql`${t.retiredAt} is null`),
  ],
);
