import { ConflictError, newId, type OrganizationId, type UserId } from '@evident/core';
import { and, asc, eq, isNull, lt, or, sql } from 'drizzle-orm';
import type { PgUpdateSetSource } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import { seal, unseal } from '../crypto.ts';
import { type StaffRole, type StaffUser, staffUser } from '../domain.ts';
import { STAFF_ROLES, staffUsers } from '../schema/organizations.ts';
import { found, iso, parseInput, type RepoContext } from './boundary.ts';

type Row = typeof staffUsers.$inferSelect;

/** Sessions carry the version they were minted under; any credential change ends them. */
const bump = { credentialsVersion: sql`${staffUsers.credentialsVersion} + 1` };

export const rowToStaffUser = (row: Row): StaffUser =>
  staffUser.parse({
    id: row.id,
    organizationId: row.organizationId,
    email: row.email,
    role: row.role,
    hasPassword: row.passwordHash !== null,
    hasTotp: row.totpKeyId !== null,
    totpConfirmed: row.totpConfirmedAt !== null,
    credentialsVersion: row.credentialsVersion,
    disabled: row.disabledAt !== null,
    createdAt: iso(row.createdAt),
  });

const email = z
  .email()
  .max(320)
  .transform((e) => e.toLowerCase());
const createInput = z.object({ email, role: z.enum(STAFF_ROLES), passwordHash: z.string().min(1).optional() });
export const totpContext = (org: OrganizationId, user: UserId) => `staff user ${user} (totp) of ${org}`;

export function usersRepo({ db, keyring }: RepoContext) {
  const byId = (org: OrganizationId, user: UserId) => and(eq(staffUsers.organizationId, org), eq(staffUsers.id, user));

  async function update(
    org: OrganizationId,
    user: UserId,
    values: PgUpdateSetSource<typeof staffUsers>,
  ): Promise<StaffUser> {
    const [row] = await db.update(staffUsers).set(values).where(byId(org, user)).returning();
    return rowToStaffUser(found(row, 'staff user', user));
  }

  return {
    async createUser(
      org: OrganizationId,
      input: { email: string; role: StaffRole; passwordHash?: string },
    ): Promise<StaffUser> {
      const values = parseInput(createInput, input, 'staff user');
      const [row] = await db
        .insert(staffUsers)
        .values({ id: newId('usr'), organizationId: org, ...values })
        .onConflictDoNothing()
        .returning();
      if (!row) throw new ConflictError(`a staff user with e-mail ${values.email} already exists`);
      return rowToStaffUser(row);
    },

    async getUser(org: OrganizationId, user: UserId): Promise<StaffUser> {
      const [row] = await db.select().from(staffUsers).where(byId(org, user));
      return rowToStaffUser(found(row, 'staff user', user));
    },

    async findUserByEmail(org: OrganizationId, address: string): Promise<StaffUser | null> {
      const [row] = await db
        .select()
        .from(staffUsers)
        .where(and(eq(staffUsers.organizationId, org), eq(staffUsers.email, address.toLowerCase())));
      return row ? rowToStaffUser(row) : null;
    },

    async listUsers(org: OrganizationId): Promise<StaffUser[]> {
      const rows = await db
        .select()
        .from(staffUsers)
        .where(eq(staffUsers.organizationId, org))
        .orderBy(asc(staffUsers.email));
      return rows.map(rowToStaffUser);
    },

    setUserRole: (org: OrganizationId, user: UserId, role: StaffRole) =>
      update(org, user, { role: parseInput(z.enum(STAFF_ROLES), role, 'role'), ...bump }),

    /** The hash is computed by the caller (argon2id); the store keeps it and hands it back only to verify. */
    setPasswordHash: (org: OrganizationId, user: UserId, hash: string) =>
      update(org, user, { passwordHash: parseInput(z.string().min(1), hash, 'password hash'), ...bump }),

    /** The user proved a code from the enrolled secret. */
    confirmTotp: (org: OrganizationId, user: UserId) => update(org, user, { totpConfirmedAt: new Date(), ...bump }),

    /** A disabled user cannot sign in and every session of theirs is refused; the row stays for the record. */
    setUserDisabled: (org: OrganizationId, user: UserId, disabled: boolean) =>
      update(org, user, { disabledAt: disabled ? new Date() : null, ...bump }),

    async readPasswordHash(org: OrganizationId, user: UserId): Promise<string | null> {
      const [row] = await db.select({ hash: staffUsers.passwordHash }).from(staffUsers).where(byId(org, user));
      return found(row, 'staff user', user).hash;
    },

    setTotpSecret(org: OrganizationId, user: UserId, secret: string): Promise<StaffUser> {
      const sealed = seal(keyring, parseInput(z.string().min(1), secret, 'TOTP secret'), totpContext(org, user));
      return update(org, user, {
        totpCiphertext: sealed.ciphertext,
        totpIv: sealed.iv,
        totpTag: sealed.tag,
        totpKeyId: sealed.keyId,
        totpConfirmedAt: null,
        totpLastStep: null,
        ...bump,
      });
    },

    /**
     * Spends the TOTP time step `step` for the user: true once, false when that step or a later one was already
     * spent. The check and the write are one statement, so two requests with the same code cannot both pass.
     */
    async spendTotpStep(org: OrganizationId, user: UserId, step: number): Promise<boolean> {
      const value = parseInput(z.number().int().nonnegative(), step, 'TOTP step');
      const rows = await db
        .update(staffUsers)
        .set({ totpLastStep: value })
        .where(and(byId(org, user), or(isNull(staffUsers.totpLastStep), lt(staffUsers.totpLastStep, value))))
        .returning({ id: staffUsers.id });
      return rows.length === 1;
    },

    async readTotpSecret(org: OrganizationId, user: UserId): Promise<string | null> {
      const [row] = await db.select().from(staffUsers).where(byId(org, user));
      const { totpCiphertext, totpIv, totpTag, totpKeyId } = found(row, 'staff user', user);
      if (!totpCiphertext || !totpIv || !totpTag || !totpKeyId) return null;
      const sealed = { ciphertext: totpCiphertext, iv: totpIv, tag: totpTag, keyId: totpKeyId };
      return unseal(keyring, sealed, totpContext(org, user));
    },
  };
}
