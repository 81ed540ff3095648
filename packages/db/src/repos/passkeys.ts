import type { OrganizationId, UserId } from '@evident/core';
import { and, asc, eq, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import { staffUsers } from '../schema/organizations.ts';
import { staffPasskeys } from '../schema/staff-auth.ts';
import { found, iso, isoOrNull, organizationOf, parseInput, type RepoContext } from './boundary.ts';

export interface StoredPasskey {
  id: string;
  organizationId: OrganizationId;
  userId: UserId;
  credentialId: string;
  publicKey: Buffer;
  counter: number;
  transports: string[];
  deviceType: string;
  backedUp: boolean;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
}

type Row = typeof staffPasskeys.$inferSelect;
const rowToPasskey = (row: Row): StoredPasskey => ({
  ...row,
  createdAt: iso(row.createdAt),
  lastUsedAt: isoOrNull(row.lastUsedAt),
});

const passkeyName = z.string().trim().min(1).max(100);
const addInput = z.object({
  id: z.string().min(1),
  credentialId: z
    .string()
    .min(16)
    .max(1400)
    .regex(/^[A-Za-z0-9_-]+$/),
  publicKey: z.instanceof(Uint8Array),
  counter: z.number().int().nonnegative(),
  transports: z.array(z.string().max(40)).max(10),
  deviceType: z.enum(['singleDevice', 'multiDevice']),
  backedUp: z.boolean(),
  name: passkeyName,
  at: z.date(),
});

export function passkeysRepo({ db, inOrg }: RepoContext) {
  const mine = (org: OrganizationId, user: UserId, id: string) =>
    and(eq(staffPasskeys.organizationId, org), eq(staffPasskeys.userId, user), eq(staffPasskeys.id, id));

  const endCredentials = (org: OrganizationId, user: UserId) =>
    db
      .update(staffUsers)
      .set({ credentialsVersion: sql`${staffUsers.credentialsVersion} + 1` })
      .where(and(eq(staffUsers.organizationId, org), eq(staffUsers.id, user)));

  return {
    async addPasskey(org: OrganizationId, user: UserId, input: z.input<typeof addInput>): Promise<StoredPasskey> {
      const { at, publicKey, ...v } = parseInput(addInput, input, 'passkey');
      const [owner] = await db
        .select({ id: staffUsers.id })
        .from(staffUsers)
        .where(and(eq(staffUsers.organizationId, org), eq(staffUsers.id, user)));
      found(owner, 'staff user', user);
      const [row] = await db
        .insert(staffPasskeys)
        .values({ ...v, publicKey: Buffer.from(publicKey), organizationId: org, userId: user, createdAt: at })
        .returning();
      return rowToPasskey(row!);
    },

    async listPasskeys(org: OrganizationId, user: UserId): Promise<StoredPasskey[]> {
      const rows = await db
        .select()
        .from(staffPasskeys)
        .where(and(eq(staffPasskeys.organizationId, org), eq(staffPasskeys.userId, user)))
        .orderBy(asc(staffPasskeys.createdAt), asc(staffPasskeys.id));
      return rows.map(rowToPasskey);
    },

    /** The one passkey with this credential id, in whichever organization holds it (a passwordless sign-in). */
    async passkeyByCredential(credentialId: string): Promise<StoredPasskey | null> {
      const org = await organizationOf(db, sql`evident_passkey_organization(${credentialId})`);
      if (!org) return null;
      const [row] = await inOrg(org, (tx) =>
        tx.select().from(staffPasskeys).where(eq(staffPasskeys.credentialId, credentialId)),
      );
      return row ? rowToPasskey(row) : null;
    },

    /**
     * Records a use: the counter must move forward (or stay 0 for authenticators that keep none), checked in the
     * statement that writes it, so two assertions with the same counter cannot both pass. False when it did not.
     */
    async usePasskey(org: OrganizationId, id: string, counter: number, at: Date): Promise<boolean> {
      const rows = await db
        .update(staffPasskeys)
        .set({ counter, lastUsedAt: at })
        .where(
          and(
            eq(staffPasskeys.organizationId, org),
            eq(staffPasskeys.id, id),
            or(sql`${staffPasskeys.counter} < ${counter}`, sql`${staffPasskeys.counter} = 0 and ${counter} = 0`),
          ),
        )
        .returning({ id: staffPasskeys.id });
      return rows.length === 1;
    },

    async renamePasskey(org: OrganizationId, user: UserId, id: string, name: string): Promise<StoredPasskey> {
      const [row] = await db
        .update(staffPasskeys)
        .set({ name: parseInput(passkeyName, name, 'passkey name') })
        .where(mine(org, user, id))
        .returning();
      return rowToPasskey(found(row, 'passkey', id));
    },

    /** Revoking a passkey is a credential change: the user's credentials version rises, so their sessions end. */
    async deletePasskey(org: OrganizationId, user: UserId, id: string): Promise<StoredPasskey> {
      const [row] = await db
        .delete(staffPasskeys)
        .where(mine(org, user, id))
        .returning();
      const gone = rowToPasskey(found(row, 'passkey', id));
      await endCredentials(org, user);
      return gone;
    },

    /** Every passkey of the user (a lost device), ending their sessions; none removed, nothing changes. */
    async deleteUserPasskeys(org: OrganizationId, user: UserId): Promise<StoredPasskey[]> {
      const rows = await db
        .delete(staffPasskeys)
        .where(and(eq(staffPasskeys.organizationId, org), eq(staffPasskeys.userId, user)))
        .returning();
      if (rows.length > 0) await endCredentials(org, user);
      return rows.map(rowToPasskey);
    },
  };
}
