import { ConflictError, ForbiddenError, type UserId } from '@evident/core';
import type { StoredPasskey } from '@evident/db';
import type { Context } from '../context.ts';
import { audited } from '../services/audit.ts';
import { atLeast, type Staff } from '../trpc.ts';

type StaffContext = Context & { staff: Staff };

/** Another staff member of the caller's organization whom the caller's rank reaches (as ending their sessions). */
async function reachable(ctx: StaffContext, userId: UserId, verb: string) {
  const { organizationId: org, user } = ctx.staff;
  if (userId === user.id) throw new ConflictError('your own passkeys are revoked under Settings → Security');
  const target = await ctx.deps.store.getUser(org, userId);
  if (!atLeast(user.role, target.role))
    throw new ForbiddenError(`only an ${target.role} or higher can ${verb} the passkeys of ${target.email}`);
  return target;
}

export async function staffPasskeys(ctx: StaffContext, userId: UserId): Promise<StoredPasskey[]> {
  await reachable(ctx, userId, 'see');
  return ctx.deps.store.listPasskeys(ctx.staff.organizationId, userId);
}

/**
 * A lost device: every passkey of the user goes, and with it every session of theirs (the credentials version
 * rises). They sign in again with their password and TOTP code, and enrol a new passkey if one is required.
 */
export async function revokeStaffPasskeys(ctx: StaffContext, userId: UserId): Promise<StoredPasskey[]> {
  const target = await reachable(ctx, userId, 'revoke');
  return audited(
    ctx,
    async (tx) => {
      const gone = await tx.deleteUserPasskeys(ctx.staff.organizationId, userId);
      if (gone.length === 0) throw new ConflictError(`${target.email} has no passkey to revoke`);
      return gone;
    },
    (gone) =>
      gone.map((p) => ({
        action: 'auth.passkey_revoked',
        target: p.id,
        data: { name: p.name, user: userId, email: target.email },
      })),
  );
}

/**
 * Requiring passkeys of owners and admins ends their sessions that no passkey established (a TOTP code, a
 * recovery code, Microsoft's MFA), so the requirement holds at once. The caller's own session stays, whatever
 * its second factor: it is the one turning the requirement on, and it may not have a passkey to sign in with yet.
 */
export async function setPasskeysRequired(ctx: StaffContext, required: boolean) {
  const { organizationId: org, session } = ctx.staff;
  return audited(
    ctx,
    async (tx) => {
      const settings = await tx.setPasskeysRequired(org, required);
      const ended = required ? await tx.revokeSessionsWithoutPasskey(org, ['owner', 'admin'], session.idHash) : 0;
      return { settings, ended };
    },
    ({ ended }) => ({
      action: 'organization.passkeys_required',
      target: null,
      data: { required, sessionsEnded: ended },
    }),
  );
}
