import { ConflictError, ForbiddenError, newId, type OrganizationId, UnauthenticatedError } from '@evident/core';
import { type StaffUser, type Store, sha256 } from '@evident/db';
import type { Context } from '../context.ts';
import { type AuditEntry, auditedAs, writeAudit } from '../services/audit.ts';
import { accountKey, addressKey, takeAttempt } from './lockout.ts';
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

const who = (ctx: Context, org: OrganizationId, actor: string) => ({
  organizationId: org,
  actor,
  address: ctx.req.address,
});
const entry = (action: string, data: Record<string, string> = {}) => ({ action, target: null, data });
/** The same request, its writes made in `tx`: a session started there commits with the entry that records it. */
const within = (ctx: Context, tx: Store): Context => ({ ...ctx, deps: { ...ctx.deps, store: tx } });

export async function signUp(
  ctx: Context,
  input: { organizationName: string; email: string; password: string },
): Promise<NextStep> {
  if (!ctx.deps.allowSignUp) throw new ForbiddenError('this deployment adds staff by invitation only');
  const { store } = ctx.deps;
  const org = newId('org');
  const passwordHash = await hashPassword(input.password);
  await store.transaction(async (tx) => {
    await tx.createOrganization(org, { name: input.organizationName });
    const user = await tx.createUser(org, { email: input.email, role: 'owner', passwordHash });
    await writeAudit(tx, who(ctx, org, user.id), entry('organization.create', { name: input.organizationName }));
    await writeAudit(tx, who(ctx, org, user.id), entry('auth.password_accepted'));
    await startSession(within(ctx, tx), user, false);
  });
  return 'enrol';
}

/** Password step: takes an attempt first, then checks every account of the address; the first that matches wins. */
export async function signIn(
  ctx: Context,
  input: { email: string; password: string; organizationId?: OrganizationId },
): Promise<NextStep> {
  const { store, now } = ctx.deps;
  const attempt = await takeAttempt(store, accountKey(input.email), addressKey(ctx.req.address), now());
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
    await store.transaction(async (tx) => {
      for (const c of candidates)
        await writeAudit(tx, who(ctx, c.organizationId, c.userId), entry('auth.sign_in_failed', { step: 'password' }));
    });
    throw new UnauthenticatedError(WRONG);
  }
  const user = match;
  await attempt.succeeded();
  await auditedAs(
    store,
    who(ctx, user.organizationId, user.id),
    (tx) => startSession(within(ctx, tx), user, false),
    () => entry('auth.password_accepted'),
  );
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

/** A code's attempt on the account and the address, taken before the code is looked at. */
const takeCodeAttempt = (ctx: Context, caller: SessionCaller) =>
  takeAttempt(ctx.deps.store, accountKey(caller.user.email), addressKey(ctx.req.address), ctx.deps.now());

/** A refused code stays counted by its attempt; a replayed one is also written to the audit log, with `also`. */
async function refuseCode(
  ctx: Context,
  caller: SessionCaller,
  outcome: 'wrong' | 'replayed',
  during: string,
  also?: AuditEntry,
) {
  const entries = [
    ...(outcome === 'replayed' ? [entry('auth.totp_replayed', { step: during })] : []),
    ...(also ? [also] : []),
  ];
  if (entries.length === 0) return;
  await auditedAs(
    ctx.deps.store,
    who(ctx, caller.organizationId, caller.user.id),
    async () => {},
    () => entries,
  );
}

/** Proves the enrolled secret with a code; hands out the recovery codes, once. */
export async function confirmEnrolment(ctx: Context, caller: SessionCaller, code: string): Promise<string[]> {
  const { store } = ctx.deps;
  if (caller.user.totpConfirmed) throw new ConflictError('a second factor is already enrolled');
  if (!(await store.readTotpSecret(caller.organizationId, caller.user.id)))
    throw new ConflictError('start enrolment first');
  const attempt = await takeCodeAttempt(ctx, caller);
  const after = await codeLeadsTo(ctx, caller);
  const outcome = await spendTotp(ctx, caller, code);
  if (outcome !== 'ok') {
    await refuseCode(ctx, caller, outcome, 'enrol');
    throw new UnauthenticatedError(
      outcome === 'replayed' ? REPLAYED : 'that code is not right; check the time on your device',
    );
  }
  const codes = recoveryCodes();
  await attempt.succeeded();
  await auditedAs(
    store,
    who(ctx, caller.organizationId, caller.user.id),
    async (tx) => {
      const hashes = codes.map((c) => sha256(normaliseRecoveryCode(c)));
      await tx.replaceRecoveryCodes(caller.organizationId, caller.user.id, hashes);
      const user = await tx.confirmTotp(caller.organizationId, caller.user.id);
      await startSession(within(ctx, tx), user, after === 'signed_in', 'totp');
    },
    () => [entry('auth.totp_enrolled'), entry('auth.sign_in', { method: 'totp' })],
  );
  return codes;
}

/** Second step of a sign-in: a TOTP code (each accepted once) or one unused recovery code. */
export async function verifySecondFactor(
  ctx: Context,
  caller: SessionCaller,
  input: { code: string } | { recoveryCode: string },
): Promise<void> {
  const { store } = ctx.deps;
  const { organizationId: org, user } = caller;
  if (!user.totpConfirmed) throw new ConflictError('enrol a second factor first');
  const attempt = await takeCodeAttempt(ctx, caller);
  const after = await codeLeadsTo(ctx, caller);
  const method = 'code' in input ? 'totp' : 'recovery_code';
  const outcome =
    'code' in input
      ? await spendTotp(ctx, caller, input.code)
      : (await store.useRecoveryCode(org, user.id, sha256(normaliseRecoveryCode(input.recoveryCode))))
        ? 'ok'
        : 'wrong';
  if (outcome !== 'ok') {
    await refuseCode(ctx, caller, outcome, 'sign_in', entry('auth.sign_in_failed', { step: method, reason: outcome }));
    throw new UnauthenticatedError(outcome === 'replayed' ? REPLAYED : 'that code is not right');
  }
  await attempt.succeeded();
  await auditedAs(
    store,
    who(ctx, org, user.id),
    (tx) => startSession(within(ctx, tx), user, after === 'signed_in', method),
    () => entry('auth.sign_in', { method }),
  );
}

export async function changePassword(ctx: Context, caller: SessionCaller, current: string, next: string) {
  const { store } = ctx.deps;
  const stored = await store.readPasswordHash(caller.organizationId, caller.user.id);
  if (!stored || !(await verifyPassword(stored, current)))
    throw new UnauthenticatedError('the current password is not right');
  const hash = await hashPassword(next);
  await auditedAs(
    store,
    who(ctx, caller.organizationId, caller.user.id),
    async (tx) => {
      const user = await tx.setPasswordHash(caller.organizationId, caller.user.id, hash);
      await startSession(within(ctx, tx), user, true);
    },
    () => entry('auth.password_changed'),
  );
}

/** Joins the organization that sent the invitation; the next step is enrolment. */
export async function acceptInvitation(ctx: Context, token: string, password: string): Promise<NextStep> {
  const { store } = ctx.deps;
  const passwordHash = await hashPassword(password);
  await store.transaction(async (tx) => {
    const invitation = await tx.acceptInvitation(sha256(token));
    if (!invitation) throw new UnauthenticatedError('this invitation is not valid (used, revoked or expired)');
    const org = invitation.organizationId;
    const user = await tx.createUser(org, { email: invitation.email, role: invitation.role, passwordHash });
    await writeAudit(tx, who(ctx, org, user.id), entry('staff.join', { role: user.role, invitation: invitation.id }));
    await startSession(within(ctx, tx), user, false);
  });
  return 'enrol';
}
