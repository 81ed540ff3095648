import { createHash, randomBytes } from 'node:crypto';
import type { OrganizationId, UserId } from '@evident/core';
import { and, desc, eq, gt, inArray, isNull, ne, type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import {
  type Invitation,
  invitation,
  SECOND_FACTORS,
  type StaffRole,
  type StaffSession,
  staffSession,
} from '../domain.ts';
import { invitations, recoveryCodes, signInFailures, staffSessions } from '../schema/access.ts';
import { STAFF_ROLES, staffUsers } from '../schema/organizations.ts';
import { found, iso, isoOrNull, organizationOf, parseInput, type RepoContext, rowsOf } from './boundary.ts';

/** Tokens and codes are 128+ random bits, so a fast hash is enough (a password needs argon2id, not these). */
/**
 * How failed sign-ins hold a key back: `free` attempts, then a hold of `firstMs` doubling with each further failure
 * up to `maxMs`; a key that has not failed for `forgetMs` starts again.
 */
export interface SignInPolicy {
  free: number;
  firstMs: number;
  maxMs: number;
  forgetMs: number;
}

export const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

type SessionRow = typeof staffSessions.$inferSelect;
const rowToSession = (row: SessionRow): StaffSession =>
  staffSession.parse({
    idHash: row.idHash,
    organizationId: row.organizationId,
    userId: row.userId,
    totpPassed: row.totpPassed,
    secondFactor: row.secondFactor,
    credentialsVersion: row.credentialsVersion,
    address: row.address,
    userAgent: row.userAgent,
    createdAt: iso(row.createdAt),
    lastSeenAt: iso(row.lastSeenAt),
    expiresAt: iso(row.expiresAt),
    revokedAt: isoOrNull(row.revokedAt),
  });

const rowToInvitation = (row: typeof invitations.$inferSelect): Invitation =>
  invitation.parse({
    ...row,
    createdAt: iso(row.createdAt),
    expiresAt: iso(row.expiresAt),
    acceptedAt: isoOrNull(row.acceptedAt),
    revokedAt: isoOrNull(row.revokedAt),
  });

const sessionInput = z.object({
  userId: z.string().min(1),
  credentialsVersion: z.number().int().positive(),
  totpPassed: z.boolean(),
  secondFactor: z.enum(SECOND_FACTORS).nullable().optional(),
  address: z.string().max(200).nullable(),
  userAgent: z.string().max(500).nullable(),
  expiresAt: z.date(),
  /** When it starts; the caller's clock. */
  at: z.date().optional(),
});

const inviteInput = z.object({
  email: z
    .email()
    .max(320)
    .transform((e) => e.toLowerCase()),
  role: z.enum(STAFF_ROLES),
  invitedBy: z.string().min(1),
  expiresAt: z.date(),
});

export function accessRepo({ db, inOrg }: RepoContext) {
  const session = (org: OrganizationId, idHash: string) =>
    and(eq(staffSessions.organizationId, org), eq(staffSessions.idHash, idHash));

  return {
    /**
     * The one lookup across organizations: sign-in knows an e-mail, not an organization. Returns where that
     * address has an account, never anything more.
     */
    async staffAccountsByEmail(address: string): Promise<{ organizationId: OrganizationId; userId: UserId }[]> {
      const rows = rowsOf(await db.execute(sql`select * from evident_staff_accounts(${address.toLowerCase()})`));
      return rows.map((r) => ({ organizationId: r.organization_id as OrganizationId, userId: r.id as UserId }));
    },

    /** Stores a session under the hash of its id; the id itself is only ever in the browser's cookie. */
    async createSession(
      org: OrganizationId,
      idHash: string,
      input: z.input<typeof sessionInput>,
    ): Promise<StaffSession> {
      const v = parseInput(sessionInput, input, 'session');
      const [owner] = await db
        .select({ id: staffUsers.id })
        .from(staffUsers)
        .where(and(eq(staffUsers.organizationId, org), eq(staffUsers.id, v.userId as UserId)));
      found(owner, 'staff user', v.userId);
      const { at, ...values } = v;
      const now = at ?? new Date();
      const [row] = await db
        .insert(staffSessions)
        .values({
          ...values,
          userId: values.userId as UserId,
          idHash,
          organizationId: org,
          createdAt: now,
          lastSeenAt: now,
        })
        .returning();
      return rowToSession(row!);
    },

    /** Finds a live session by the hash of its id: how a request becomes a caller. */
    async findSession(idHash: string): Promise<StaffSession | null> {
      const org = await organizationOf(db, sql`evident_session_organization(${idHash})`);
      if (!org) return null;
      const [row] = await inOrg(org, (tx) =>
        tx
          .select()
          .from(staffSessions)
          .where(
            and(
              eq(staffSessions.idHash, idHash),
              isNull(staffSessions.revokedAt),
              gt(staffSessions.expiresAt, new Date()),
            ),
          ),
      );
      return row ? rowToSession(row) : null;
    },

    async touchSession(org: OrganizationId, idHash: string, at: Date = new Date()): Promise<void> {
      await db.update(staffSessions).set({ lastSeenAt: at }).where(session(org, idHash));
    },

    async revokeSession(org: OrganizationId, idHash: string): Promise<void> {
      const [row] = await db
        .update(staffSessions)
        .set({ revokedAt: new Date() })
        .where(and(session(org, idHash), isNull(staffSessions.revokedAt)))
        .returning({ idHash: staffSessions.idHash });
      found(row, 'session', idHash.slice(0, 12));
    },

    async revokeUserSessions(org: OrganizationId, userId: UserId): Promise<number> {
      const rows = await db
        .update(staffSessions)
        .set({ revokedAt: new Date() })
        .where(
          and(eq(staffSessions.organizationId, org), eq(staffSessions.userId, userId), isNull(staffSessions.revokedAt)),
        )
        .returning({ idHash: staffSessions.idHash });
      return rows.length;
    },

    /**
     * Ends the live sessions of the organization's users holding one of `roles` whose second factor was not a
     * passkey, except `keep` (the caller's own). Returns how many ended.
     */
    async revokeSessionsWithoutPasskey(org: OrganizationId, roles: StaffRole[], keep: string): Promise<number> {
      const holders = db
        .select({ id: staffUsers.id })
        .from(staffUsers)
        .where(and(eq(staffUsers.organizationId, org), inArray(staffUsers.role, roles)));
      const rows = await db
        .update(staffSessions)
        .set({ revokedAt: new Date() })
        .where(
          and(
            eq(staffSessions.organizationId, org),
            isNull(staffSessions.revokedAt),
            sql`${staffSessions.secondFactor} is distinct from 'passkey'`,
            ne(staffSessions.idHash, keep),
            inArray(staffSessions.userId, holders),
          ),
        )
        .returning({ idHash: staffSessions.idHash });
      return rows.length;
    },

    async listSessions(org: OrganizationId, filter: { userId?: UserId } = {}): Promise<StaffSession[]> {
      const rows = await db
        .select()
        .from(staffSessions)
        .where(
          and(
            eq(staffSessions.organizationId, org),
            filter.userId ? eq(staffSessions.userId, filter.userId) : undefined,
            isNull(staffSessions.revokedAt),
            gt(staffSessions.expiresAt, new Date()),
          ),
        )
        .orderBy(desc(staffSessions.lastSeenAt));
      return rows.map(rowToSession);
    },

    /** Replaces the user's recovery codes with these hashes. */
    async replaceRecoveryCodes(org: OrganizationId, userId: UserId, hashes: string[]): Promise<void> {
      await db.transaction(async (tx) => {
        const [owner] = await tx
          .select({ id: staffUsers.id })
          .from(staffUsers)
          .where(and(eq(staffUsers.organizationId, org), eq(staffUsers.id, userId)));
        found(owner, 'staff user', userId);
        await tx
          .delete(recoveryCodes)
          .where(and(eq(recoveryCodes.organizationId, org), eq(recoveryCodes.userId, userId)));
        if (hashes.length > 0)
          await tx.insert(recoveryCodes).values(hashes.map((codeHash) => ({ organizationId: org, userId, codeHash })));
      });
    },

    /** Spends one unused code; true when it existed and was unused. */
    async useRecoveryCode(org: OrganizationId, userId: UserId, hash: string): Promise<boolean> {
      const rows = await db
        .update(recoveryCodes)
        .set({ usedAt: new Date() })
        .where(
          and(
            eq(recoveryCodes.organizationId, org),
            eq(recoveryCodes.userId, userId),
            eq(recoveryCodes.codeHash, hash),
            isNull(recoveryCodes.usedAt),
          ),
        )
        .returning({ h: recoveryCodes.codeHash });
      return rows.length === 1;
    },

    async unusedRecoveryCodes(org: OrganizationId, userId: UserId): Promise<number> {
      const [row] = await db
        .select({ n: sql<number>`count(*)::int` })
        .from(recoveryCodes)
        .where(
          and(eq(recoveryCodes.organizationId, org), eq(recoveryCodes.userId, userId), isNull(recoveryCodes.usedAt)),
        );
      return row?.n ?? 0;
    },

    async createInvitation(
      org: OrganizationId,
      tokenHash: string,
      input: z.input<typeof inviteInput>,
    ): Promise<Invitation> {
      const v = parseInput(inviteInput, input, 'invitation');
      const [row] = await db
        .insert(invitations)
        .values({
          ...v,
          invitedBy: v.invitedBy as UserId,
          id: randomBytes(12).toString('hex'),
          organizationId: org,
          tokenHash,
          createdAt: new Date(),
        })
        .returning();
      return rowToInvitation(row!);
    },

    async listInvitations(org: OrganizationId): Promise<Invitation[]> {
      const rows = await db
        .select()
        .from(invitations)
        .where(eq(invitations.organizationId, org))
        .orderBy(desc(invitations.createdAt));
      return rows.map(rowToInvitation);
    },

    async revokeInvitation(org: OrganizationId, id: string): Promise<Invitation> {
      const [row] = await db
        .update(invitations)
        .set({ revokedAt: new Date() })
        .where(and(eq(invitations.organizationId, org), eq(invitations.id, id), isNull(invitations.acceptedAt)))
        .returning();
      return rowToInvitation(found(row, 'invitation', id));
    },

    /** Spends a live invitation by the hash of its token (a global lookup: the token is the credential). */
    async acceptInvitation(tokenHash: string): Promise<Invitation | null> {
      const org = await organizationOf(db, sql`evident_invitation_organization(${tokenHash})`);
      if (!org) return null;
      const [row] = await inOrg(org, (tx) =>
        tx
          .update(invitations)
          .set({ acceptedAt: new Date() })
          .where(
            and(
              eq(invitations.tokenHash, tokenHash),
              isNull(invitations.acceptedAt),
              isNull(invitations.revokedAt),
              gt(invitations.expiresAt, new Date()),
            ),
          )
          .returning(),
      );
      return row ? rowToInvitation(row) : null;
    },

    /** The lock on a sign-in key (`account:…`, `address:…`), if any. */
    async signInLock(key: string): Promise<{ failures: number; lockedUntil: Date | null }> {
      const [row] = await db.select().from(signInFailures).where(eq(signInFailures.key, key));
      return { failures: row?.failures ?? 0, lockedUntil: row?.lockedUntil ?? null };
    },

    /**
     * Takes one attempt on `key` unless it is held back: the attempt is counted as a failure, and the key held back
     * when the count reaches `policy.free`, in the statement that checks the hold, so concurrent attempts cannot all
     * pass before any is counted. Returns null when the attempt may go ahead, else until when the key is held.
     */
    async takeSignInAttempt(key: string, policy: SignInPolicy, now: Date = new Date()): Promise<Date | null> {
      const at = now.toISOString();
      const forgetBefore = new Date(now.getTime() - policy.forgetMs).toISOString();
      const failures = sql`(case when f.last_failure_at < ${forgetBefore}::timestamptz then 1 else f.failures + 1 end)`;
      const holdFor = (count: SQL) =>
        sql`case when ${count} >= ${policy.free} then ${at}::timestamptz + least(${policy.firstMs}::float8 * power(2, ${count} - ${policy.free}), ${policy.maxMs}::float8) * interval '1 millisecond' end`;
      const taken = await db.execute(sql`
        insert into sign_in_failures as f (key, failures, last_failure_at, locked_until)
        values (${key}, 1, ${at}::timestamptz, ${holdFor(sql`1`)})
        on conflict (key) do update set
          failures = ${failures}, last_failure_at = excluded.last_failure_at, locked_until = ${holdFor(failures)}
        where f.locked_until is null or f.locked_until <= ${at}::timestamptz
        returning failures`);
      if (rowsOf(taken).length > 0) return null;
      const [row] = await db.select().from(signInFailures).where(eq(signInFailures.key, key));
      return row?.lockedUntil ?? now;
    },

    /** Gives back an attempt that succeeded (an address's count is of failures), and its hold if it caused one. */
    async releaseSignInAttempt(key: string, policy: SignInPolicy): Promise<void> {
      await db
        .update(signInFailures)
        .set({
          failures: sql`greatest(${signInFailures.failures} - 1, 0)`,
          lockedUntil: sql`case when ${signInFailures.failures} - 1 < ${policy.free} then null else ${signInFailures.lockedUntil} end`,
        })
        .where(eq(signInFailures.key, key));
    },

    async clearSignInFailures(key: string): Promise<void> {
      await db.delete(signInFailures).where(eq(signInFailures.key, key));
    },
  };
}
