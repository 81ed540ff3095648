import type { OrganizationId, UserId } from '@evident/core';
import { boolean, foreignKey, index, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { at } from './columns.ts';
import { organizations, staffRole, staffUsers } from './organizations.ts';

/** A signed-in browser. Only the SHA-256 of the random session id is stored. */
export const staffSessions = pgTable(
  'staff_sessions',
  {
    idHash: text('id_hash').primaryKey(),
    organizationId: text('organization_id')
      .$type<OrganizationId>()
      .notNull()
      .references(() => organizations.id),
    userId: text('user_id').$type<UserId>().notNull(),
    /** The password was right; the second factor is still to come until this is true. */
    totpPassed: boolean('totp_passed').notNull().default(false),
    /** How the second factor was given (`totp`, `recovery_code`, `passkey`, `idp_mfa`); null before it is. */
    secondFactor: text('second_factor'),
    credentialsVersion: integer('credentials_version').notNull(),
    address: text('address'),
    userAgent: text('user_agent'),
    createdAt: at('created_at').notNull(),
    lastSeenAt: at('last_seen_at').notNull(),
    expiresAt: at('expires_at').notNull(),
    revokedAt: at('revoked_at'),
  },
  (t) => [
    foreignKey({
      name: 'staff_sessions_user_fk',
      columns: [t.organizationId, t.userId],
      foreignColumns: [staffUsers.organizationId, staffUsers.id],
    }),
    index('staff_sessions_user_idx').on(t.organizationId, t.userId),
  ],
);

/** Ten single-use codes per user, stored as SHA-256 (they are long random strings, not passwords). */
export const recoveryCodes = pgTable(
  'recovery_codes',
  {
    organizationId: text('organization_id')
      .$type<OrganizationId>()
      .notNull()
      .references(() => organizations.id),
    userId: text('user_id').$type<UserId>().notNull(),
    codeHash: text('code_hash').notNull(),
    usedAt: at('used_at'),
  },
  (t) => [
    primaryKey({ name: 'recovery_codes_pkey', columns: [t.userId, t.codeHash] }),
    foreignKey({
      name: 'recovery_codes_user_fk',
      columns: [t.organizationId, t.userId],
      foreignColumns: [staffUsers.organizationId, staffUsers.id],
    }),
  ],
);

export const invitations = pgTable(
  'invitations',
  {
    id: text('id').primaryKey(),
    organizationId: text('organization_id')
      .$type<OrganizationId>()
      .notNull()
      .references(() => organizations.id),
    email: text('email').notNull(),
    role: staffRole('role').notNull(),
    tokenHash: text('token_hash').notNull().unique('invitations_token_hash_key'),
    invitedBy: text('invited_by').$type<UserId>().notNull(),
    createdAt: at('created_at').notNull(),
    expiresAt: at('expires_at').notNull(),
    acceptedAt: at('accepted_at'),
    revokedAt: at('revoked_at'),
  },
  (t) => [index('invitations_organization_idx').on(t.organizationId, t.createdAt.desc())],
);

/**
 * Failed sign-ins per key (`account:<email>` or `address:<ip>`): not an organization's data, since a sign-in
 * is refused before anyone knows which organization it was for.
 */
export const signInFailures = pgTable('sign_in_failures', {
  key: text('key').primaryKey(),
  failures: integer('failures').notNull(),
  lastFailureAt: at('last_failure_at').notNull(),
  lockedUntil: at('locked_until'),
});
