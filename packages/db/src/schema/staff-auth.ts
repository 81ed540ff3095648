import type { OrganizationId, UserId } from '@evident/core';
import { bigint, boolean, foreignKey, index, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { at, bytea, sealedColumns } from './columns.ts';
import { organizations, staffRole, staffUsers } from './organizations.ts';

/** A staff user's WebAuthn credential: the public key and the signature counter the authenticator last showed. */
export const staffPasskeys = pgTable(
  'staff_passkeys',
  {
    id: text('id').primaryKey(),
    organizationId: text('organization_id')
      .$type<OrganizationId>()
      .notNull()
      .references(() => organizations.id),
    userId: text('user_id').$type<UserId>().notNull(),
    /** base64url, as the browser sends it; unique across the deployment, so a sign-in finds its one owner. */
    credentialId: text('credential_id').notNull().unique('staff_passkeys_credential_id_key'),
    publicKey: bytea('public_key').notNull(),
    counter: bigint('counter', { mode: 'number' }).notNull(),
    transports: jsonb('transports').$type<string[]>().notNull(),
    deviceType: text('device_type').notNull(),
    backedUp: boolean('backed_up').notNull(),
    name: text('name').notNull(),
    createdAt: at('created_at').notNull(),
    lastUsedAt: at('last_used_at'),
  },
  (t) => [
    foreignKey({
      name: 'staff_passkeys_user_fk',
      columns: [t.organizationId, t.userId],
      foreignColumns: [staffUsers.organizationId, staffUsers.id],
    }),
    index('staff_passkeys_user_idx').on(t.organizationId, t.userId),
  ],
);

/**
 * A sign-in ceremony in flight (a WebAuthn challenge, an OpenID Connect state): keyed by the hash of what binds it
 * to the browser, spent by the delete that reads it, and short-lived. Not an organization's data: most begin before
 * anyone knows the organization.
 */
export const authFlows = pgTable('auth_flows', {
  keyHash: text('key_hash').primaryKey(),
  purpose: text('purpose').notNull(),
  data: jsonb('data').$type<Record<string, unknown>>().notNull(),
  expiresAt: at('expires_at').notNull(),
});

const ssoSecret = sealedColumns('sso_client_secret');

/** How an organization's staff sign in: passkeys required of owners and admins, and Sign in with Microsoft. */
export const staffAuthSettings = pgTable('staff_auth_settings', {
  organizationId: text('organization_id')
    .$type<OrganizationId>()
    .primaryKey()
    .references(() => organizations.id),
  passkeysRequiredForAdmins: boolean('passkeys_required_for_admins').notNull().default(false),
  /** The MSP's own Entra tenant id; with a client id, Sign in with Microsoft is on. */
  ssoTenantId: text('sso_tenant_id'),
  ssoClientId: text('sso_client_id'),
  ssoClientSecretCiphertext: ssoSecret.ciphertext,
  ssoClientSecretIv: ssoSecret.iv,
  ssoClientSecretTag: ssoSecret.tag,
  ssoClientSecretKeyId: ssoSecret.keyId,
  /** The identity platform's base URL when not Microsoft's (a simulator); checked against the egress policy. */
  ssoAuthority: text('sso_authority'),
  /** Unknown e-mails of the tenant join with this role; null, they are refused. Never owner. */
  ssoJitRole: staffRole('sso_jit_role'),
  updatedAt: at('updated_at').notNull(),
});
