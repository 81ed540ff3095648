import type { OrganizationId, UserId } from '@evident/core';
import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, pgEnum, pgTable, text, unique } from 'drizzle-orm/pg-core';
import { at, sealedColumns } from './columns.ts';

export const organizations = pgTable('organizations', {
  id: text('id').$type<OrganizationId>().primaryKey(),
  name: text('name').notNull(),
  createdAt: at('created_at').notNull().defaultNow(),
});

export const STAFF_ROLES = ['owner', 'admin', 'analyst', 'viewer'] as const;
export const staffRole = pgEnum('staff_role', STAFF_ROLES);

const totp = sealedColumns('totp');

export const staffUsers = pgTable(
  'staff_users',
  {
    id: text('id').$type<UserId>().primaryKey(),
    organizationId: text('organization_id')
      .$type<OrganizationId>()
      .notNull()
      .references(() => organizations.id),
    /** Stored lower-cased, so the unique key is case-insensitive. */
    email: text('email').notNull(),
    role: staffRole('role').notNull(),
    passwordHash: text('password_hash'),
    totpCiphertext: totp.ciphertext,
    totpIv: totp.iv,
    totpTag: totp.tag,
    totpKeyId: totp.keyId,
    /** Set once the user proved a code from the enrolled secret; until then sign-in leads to enrolment. */
    totpConfirmedAt: at('totp_confirmed_at'),
    /** The last 30-second step whose code was accepted: a code is spent once, and no earlier one counts after it. */
    totpLastStep: bigint('totp_last_step', { mode: 'number' }),
    /** Bumped on every password, role or second-factor change; sessions minted before it are refused. */
    credentialsVersion: integer('credentials_version').notNull().default(1),
    disabledAt: at('disabled_at'),
    createdAt: at('created_at').notNull().defaultNow(),
  },
  (t) => [
    unique('staff_users_organization_email_key').on(t.organizationId, t.email),
    // (organization_id, id) is what sessions and recovery codes point at, so they cannot cross organizations.
    unique('staff_users_organization_id_key').on(t.organizationId, t.id),
    index('staff_users_email_idx').on(t.email),
    check(
      'staff_users_totp_sealed_whole',
      sql`num_nulls(${t.totpCiphertext}, ${t.totpIv}, ${t.totpTag}, ${t.totpKeyId}) in (0, 4)`,
    ),
  ],
);
