import { type OrganizationId, UnauthenticatedError } from '@evident/core';
import { type SecondFactor, type StaffSession, type StaffUser, sha256 } from '@evident/db';
import type { Context } from '../context.ts';
import { randomToken } from './secrets.ts';

export interface SessionCaller {
  organizationId: OrganizationId;
  user: StaffUser;
  session: StaffSession;
}

/** Touching on every request would write on every read; a minute of slack in the idle clock is enough. */
const TOUCH_EVERY_MS = 60_000;

/**
 * The caller behind the session cookie, or null: the session must be live, within its idle and absolute limits,
 * minted under the user's current credentials, and the user enabled.
 */
export async function resolveSession(ctx: Context): Promise<SessionCaller | null> {
  const token = ctx.req.sessionToken;
  if (!token) return null;
  const { store, sessions, now } = ctx.deps;
  const session = await store.findSession(sha256(token));
  if (!session) return null;
  const at = now().getTime();
  const lastSeen = Date.parse(session.lastSeenAt);
  if (at - lastSeen > sessions.idleMs || at >= Date.parse(session.expiresAt)) return null;
  const user = await store.getUser(session.organizationId, session.userId);
  if (user.disabled || user.credentialsVersion !== session.credentialsVersion) return null;
  if (at - lastSeen > TOUCH_EVERY_MS) await store.touchSession(session.organizationId, session.idHash, new Date(at));
  return { organizationId: session.organizationId, user, session };
}

export async function requireSession(ctx: Context): Promise<SessionCaller> {
  const caller = await resolveSession(ctx);
  if (!caller) throw new UnauthenticatedError('sign in first');
  return caller;
}

/** A new session id for the user (the old one, if any, is revoked): on sign-in, second factor and any change. */
export async function startSession(
  ctx: Context,
  user: StaffUser,
  totpPassed: boolean,
  secondFactor: SecondFactor | null = null,
): Promise<void> {
  const { store, sessions, now } = ctx.deps;
  await revokeCurrent(ctx);
  const token = randomToken();
  await store.createSession(user.organizationId, sha256(token), {
    userId: user.id,
    credentialsVersion: user.credentialsVersion,
    totpPassed,
    secondFactor,
    address: ctx.req.address,
    userAgent: ctx.req.userAgent?.slice(0, 500) ?? null,
    expiresAt: new Date(now().getTime() + sessions.absoluteMs),
    at: now(),
  });
  ctx.res.setSession(token, sessions.absoluteMs);
}

async function revokeCurrent(ctx: Context): Promise<void> {
  const token = ctx.req.sessionToken;
  if (!token) return;
  const session = await ctx.deps.store.findSession(sha256(token));
  if (session) await ctx.deps.store.revokeSession(session.organizationId, session.idHash);
}

export async function endSession(ctx: Context): Promise<void> {
  await revokeCurrent(ctx);
  ctx.res.setSession(null, 0);
}
