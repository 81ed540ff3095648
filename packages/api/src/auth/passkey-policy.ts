import { ForbiddenError } from '@evident/core';
import type { StaffUser } from '@evident/db';
import type { Context } from '../context.ts';
import type { SessionCaller } from './sessions.ts';

/** What a half-signed-in session still has to do. */
export type PendingStep = 'enrol' | 'totp' | 'passkey' | 'passkey_enrol' | 'done';

/** Owners and admins of an organization that requires passkeys cannot finish a sign-in with TOTP alone. */
export async function passkeyRequired(ctx: Context, user: StaffUser): Promise<boolean> {
  if (user.role !== 'owner' && user.role !== 'admin') return false;
  return (await ctx.deps.store.staffAuthSettings(user.organizationId)).passkeysRequiredForAdmins;
}

export async function pendingStep(ctx: Context, caller: SessionCaller): Promise<PendingStep> {
  const { session, user } = caller;
  if (session.totpPassed) return 'done';
  if (session.secondFactor !== null) return 'passkey_enrol';
  if (!user.totpConfirmed) return 'enrol';
  if (!(await passkeyRequired(ctx, user))) return 'totp';
  const passkeys = await ctx.deps.store.listPasskeys(caller.organizationId, user.id);
  return passkeys.length > 0 ? 'passkey' : 'totp';
}

/**
 * Before a TOTP or recovery code is looked at: refused when a passkey is required and the user has one.
 * Otherwise whether the code, once accepted, must still be followed by enrolling a passkey.
 */
export async function codeLeadsTo(ctx: Context, caller: SessionCaller): Promise<'signed_in' | 'passkey_enrol'> {
  const step = await pendingStep(ctx, caller);
  if (step === 'passkey')
    throw new ForbiddenError('your organization requires a passkey for owners and admins: sign in with your passkey');
  return (await passkeyRequired(ctx, caller.user)) ? 'passkey_enrol' : 'signed_in';
}
