import { ConflictError, ForbiddenError, newId, type OrganizationId, UnauthenticatedError } from '@evident/core';
import { type StaffUser, sha256 } from '@evident/db';
import type { Context } from '../context.ts';
import { accountKey, addressKey, assertNotLocked, clearFailures, recordFailure } from './lockout.ts';
import { codeLeadsTo } from './passkey-policy.ts';
import {
  decoyHash,
  hashPassword,
  matchTotp,
  newTotpSecret,
  normaliseRecoveryCode,
  recoveryCodes,
  totpEnrolment,
  verifyPassword,
} from './secrets.ts';
import { type SessionCaller, startSession } from './sessions.ts';

export type NextStep = 'enrol' | 'totp';
const WRONG = 'the e-mail address or password is not right';
const REPLAYED = 'that code has been used already; wait for the next one';

const audit = (ctx: Context, org: OrganizationId, actor: string, action: string, data: Record<string, string> = {}) =>
  ctx.deps.store.appendAudit(org, {
    actor,
    action,
    target: null,
    data: { ...data, ...(ctx.req.address ? { address: ctx.req.address } : {}) },
  });

export async function signUp(
  ctx: Context,
  input: { organizationName: string; email: string; password: string },
): Promise<NextStep> {
  if (!ctx.deps.allowSignUp) throw new ForbiddenError('this deployment adds staff by invitation only');
  const { store } = ctx.deps;
  const org = newId('org');
  const passwordHash = await hashPassword(input.password);
  const user = await store.transaction(async (tx) => {
    await tx.createOrganization(org, { name: input.organizationName });
    return tx.createUser(org, { email: input.email, role: 'owner', passwordHash });
  });
  await audit(ctx, org, user.id, 'organization.create', { name: input.organizationName });
  await audit(ctx, org, user.id, 'auth.password_accepted');
  await startSession(ctx, user, false);
  return 'enrol';
}

/** Password step: checks locks first, then every account of the address; the first that matches wins. */
export async function signIn(
  ctx: Context,
  input: { email: string; password: string; organizationId?: OrganizationId },
): Promise<NextStep> {
  const { store, now } = ctx.deps;
  const account = accountKey(input.email);
  const address = addressKey(ctx.req.address);
  await assertNotLocked(store, [account, address], now());
  const candidates = (await store.staffAccountsByEmail(input.email)).filter(
    (c) => !input.organizationId || c.organizationId === input.organizationId,
  );
  let match: StaffUser | undefined;
  for (const c of candidates) {
    const stored = await store.readPasswordHash(c.organizationId, c.userId);
    const user = await store.getUser(c.organizationId, c.userId);
    if (stored && !user.disabled && (await verifyPassword(stored, input.password))) {
      match = user;
      break;
    }
  }
  if (candidates.length === 0) await verifyPassword(await decoyHash(), input.password);
  if (!match) {
    await recordFailure(store, account, address, now());
    for (const c of candidates)
      await audit(ctx, c.organizationId, c.userId, 'auth.sign_in_failed', { step: 'password' });
    throw new UnauthenticatedError(WRONG);
  }
  await audit(ctx, match.organizationId, match.id, 'auth.password_accepted');
  await startSession(ctx, match, false);
  return match.totpConfirmed ? 'totp' : 'enrol';
}

/** A new secret for a user who has not finished enrolment, with its QR code. */
export async function beginEnrolment(ctx: Context, caller: SessionCaller) {
  if (caller.user.totpConfirmed) throw new ConflictError('a second factor is already enrolled');
  const secret = newTotpSecret();
  const user = await ctx.deps.store.setTotpSecret(caller.organizationId, caller.user.id, secret);
  await startSession(ctx, user, false);
  return { secret, ...totpEnrolment(secret, ctx.deps.issuer, user.email) };
}

/**
 * Accepts a TOTP code once: the step it belongs to is spent in the statement that checks it was not spent before,
 * so a replayed code (or one older than the last accepted) is refused even by two requests at the same moment.
 */
async function spendTotp(ctx: Context, caller: SessionCaller, code: string): Promise<'ok' | 'wrong' | 'replayed'> {
  const { store, now } = ctx.deps;
  const secret = await store.readTotpSecret(caller.organizationId, caller.user.id);
  const step = secret === null ? null : matchTotp(secret, code, now());
  if (step === null) return 'wrong';
  return (await store.spendTotpStep(caller.organizationId, caller.user.id, step)) ? 'ok' : 'replayed';
}

/** A refused code counts towards the lockout; a replayed one is also written to the audit log. */
async function refuseCode(ctx: Context, caller: SessionCaller, outcome: 'wrong' | 'replayed', during: string) {
  const { organizationId: org, user } = caller;
  await recordFailure(ctx.deps.store, accountKey(user.email), addressKey(ctx.req.address), ctx.deps.now());
  if (outcome === 'replayed') await audit(ctx, org, user.id, 'auth.totp_replayed', { step: during });
}

/** Proves the enrolled secret with a code; hands out the recovery codes, once. */
export async function confirmEnrolment(ctx: Context, caller: SessionCaller, code: string): Promise<string[]> {
  const { store, now } = ctx.deps;
  if (caller.user.totpConfirmed) throw new ConflictError('a second factor is already enrolled');
  if (!(await store.readTotpSecret(caller.organizationId, caller.user.id)))
    throw new ConflictError('start enrolment first');
  await assertNotLocked(store, [accountKey(caller.user.email)], now());
  const after = await codeLeadsTo(ctx, caller);
  const outcome = await spendTotp(ctx, caller, code);
  if (outcome !== 'ok') {
    await refuseCode(ctx, caller, outcome, 'enrol');
    throw new UnauthenticatedError(
      outcome === 'replayed' ? REPLAYED : 'that code is not right; check the time on your device',
    );
  }
  const codes = recoveryCodes();
  await store.replaceRecoveryCodes(
    caller.organizationId,
    caller.user.id,
    codes.map((c) => sha256(normaliseRecoveryCode(c))),
  );
  const user = await store.confirmTotp(caller.organizationId, caller.user.id);
  await audit(ctx, caller.organizationId, user.id, 'auth.totp_enrolled');
  await audit(ctx, caller.organizationId, user.id, 'auth.sign_in', { method: 'totp' });
  await clearFailures(store, accountKey(user.email));
  await startSession(ctx, user, after === 'signed_in', 'totp');
  return codes;
}

/** Second step of a sign-in: a TOTP code (each accepted once) or one unused recovery code. */
export async function verifySecondFactor(
  ctx: Context,
  caller: SessionCaller,
  input: { code: string } | { recoveryCode: string },
): Promise<void> {
  const { store, now } = ctx.deps;
  const { organizationId: org, user } = caller;
  if (!user.totpConfirmed) throw new ConflictError('enrol a second factor first');
  const account = accountKey(user.email);
  await assertNotLocked(store, [account, addressKey(ctx.req.address)], now());
  const after = await codeLeadsTo(ctx, caller);
  const method = 'code' in input ? 'totp' : 'recovery_code';
  const outcome =
    'code' in input
      ? await spendTotp(ctx, caller, input.code)
      : (await store.useRecoveryCode(org, user.id, sha256(normaliseRecoveryCode(input.recoveryCode))))
        ? 'ok'
        : 'wrong';
  if (outcome !== 'ok') {
    await refuseCode(ctx, caller, outcome, 'sign_in');
    await audit(ctx, org, user.id, 'auth.sign_in_failed', { step: method, reason: outcome });
    throw new UnauthenticatedError(outcome === 'replayed' ? REPLAYED : 'that code is not right');
  }
  await clearFailures(store, account);
  await audit(ctx, org, user.id, 'auth.sign_in', { method });
  await startSession(ctx, user, after === 'signed_in', method);
}

export async function changePassword(ctx: Context, caller: SessionCaller, current: string, next: string) {
  const { store } = ctx.deps;
  const stored = await store.readPasswordHash(caller.organizationId, caller.user.id);
  if (!stored || !(await verifyPassword(stored, current)))
    throw new UnauthenticatedError('the current password is not right');
  const user = await store.setPasswordHash(caller.organizationId, caller.user.id, await hashPassword(next));
  await audit(ctx, caller.organizationId, user.id, 'auth.password_changed');
  await startSession(ctx, user, true);
}

/** Joins the organization that sent the invitation; the next step is enrolment. */
export async function acceptInvitation(ctx: Context, token: string, password: string): Promise<NextStep> {
  const { store } = ctx.deps;
  const invitation = await store.acceptInvitation(sha256(token));
  if (!invitation) throw new UnauthenticatedError('this invitation is not valid (used, revoked or expired)');
  const user = await store.createUser(invitation.organizationId, {
    email: invitation.email,
    role: invitation.role,
    passwordHash: await hashPassword(password),
  });
  await audit(ctx, invitation.organizationId, user.id, 'staff.join', { role: user.role, invitation: invitation.id });
  await startSession(ctx, user, false);
  return 'enrol';
}
