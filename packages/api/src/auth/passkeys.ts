import { ConflictError, newId, type OrganizationId, UnauthenticatedError } from '@evident/core';
import { type StaffUser, type StoredPasskey, sha256 } from '@evident/db';
import {
  type AuthenticationResponseJSON,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import type { Context } from '../context.ts';
import { auditedAs, writeAudit } from '../services/audit.ts';
import { accountKey, addressKey, countAccountFailure, takeAttempt } from './lockout.ts';
import { randomToken } from './secrets.ts';
import { type SessionCaller, startSession } from './sessions.ts';

const who = (ctx: Context, organizationId: OrganizationId, actor: string) => ({
  organizationId,
  actor,
  address: ctx.req.address,
});

/** A ceremony lives two minutes: long enough to touch a key, short enough that a stolen challenge is stale. */
export const CEREMONY_MS = 120_000;
const REFUSED = 'that passkey was not accepted';

type Purpose = 'passkey.register' | 'passkey.second_factor' | 'passkey.passwordless';

function relyingParty(ctx: Context) {
  if (!ctx.deps.webauthn) throw new ConflictError('passkeys need the deployment’s public origin (PUBLIC_ORIGIN)');
  return ctx.deps.webauthn;
}

/** A session's ceremony is keyed by the session; a passwordless one by the ceremony cookie set when it began. */
const sessionKey = (purpose: Purpose, caller: SessionCaller) => sha256(`${purpose}:${caller.session.idHash}`);

async function begin(ctx: Context, key: string, purpose: Purpose, challenge: string) {
  const { store, now } = ctx.deps;
  const at = now();
  await store.putAuthFlow(
    { keyHash: key, purpose, data: { challenge }, expiresAt: new Date(at.getTime() + CEREMONY_MS) },
    at,
  );
}

async function take(ctx: Context, key: string | null, purpose: Purpose): Promise<string> {
  const data = key ? await ctx.deps.store.takeAuthFlow(key, purpose, ctx.deps.now()) : null;
  if (typeof data?.challenge !== 'string')
    throw new UnauthenticatedError('start again: that request has expired or was used');
  return data.challenge;
}

const credentialOf = (p: StoredPasskey) => ({
  id: p.credentialId,
  publicKey: new Uint8Array(p.publicKey),
  counter: p.counter,
  transports: p.transports as ('internal' | 'usb' | 'nfc' | 'ble' | 'hybrid')[],
});

/** Enrolment is for a signed-in user, or one whose organization requires a passkey and who just gave their TOTP. */
function assertMayEnrol(caller: SessionCaller) {
  if (!caller.session.totpPassed && caller.session.secondFactor === null)
    throw new UnauthenticatedError('the second factor is still to be given');
}

export async function beginRegistration(
  ctx: Context,
  caller: SessionCaller,
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  assertMayEnrol(caller);
  const rp = relyingParty(ctx);
  const existing = await ctx.deps.store.listPasskeys(caller.organizationId, caller.user.id);
  const options = await generateRegistrationOptions({
    rpName: rp.rpName,
    rpID: rp.rpId,
    userName: caller.user.email,
    userID: new TextEncoder().encode(caller.user.id),
    attestationType: 'none',
    timeout: CEREMONY_MS,
    excludeCredentials: existing.map((p) => ({ id: p.credentialId, transports: credentialOf(p).transports })),
    authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
  });
  await begin(ctx, sessionKey('passkey.register', caller), 'passkey.register', options.challenge);
  return options;
}

export async function finishRegistration(
  ctx: Context,
  caller: SessionCaller,
  input: { name: string; response: RegistrationResponseJSON },
): Promise<StoredPasskey> {
  assertMayEnrol(caller);
  const rp = relyingParty(ctx);
  const challenge = await take(ctx, sessionKey('passkey.register', caller), 'passkey.register');
  const verified = await verifyRegistrationResponse({
    response: input.response,
    expectedChallenge: challenge,
    expectedOrigin: rp.origin,
    expectedRPID: rp.rpId,
    requireUserVerification: true,
  }).catch(() => ({ verified: false as const }));
  if (!verified.verified) throw new UnauthenticatedError(REFUSED);
  const { credential, credentialDeviceType, credentialBackedUp } = verified.registrationInfo;
  const { organizationId: org, user } = caller;
  const at = ctx.deps.now();
  const passkey = await ctx.deps.store.transaction(async (tx) => {
    if (await tx.passkeyByCredential(credential.id)) throw new ConflictError('that passkey is enrolled already');
    const added = await tx.addPasskey(org, user.id, {
      id: newId('pky'),
      credentialId: credential.id,
      publicKey: credential.publicKey,
      counter: credential.counter,
      transports: credential.transports ?? [],
      deviceType: credentialDeviceType,
      backedUp: credentialBackedUp,
      name: input.name,
      at,
    });
    await writeAudit(tx, who(ctx, org, user.id), {
      action: 'auth.passkey_enrolled',
      target: added.id,
      data: { name: added.name },
    });
    return added;
  });
  // The one enrolment a required passkey was waiting for: the sign-in is now complete.
  if (!caller.session.totpPassed) await startSession(ctx, user, true, caller.session.secondFactor);
  return passkey;
}

export async function renamePasskey(ctx: Context, caller: SessionCaller, id: string, name: string) {
  const { organizationId: org, user } = caller;
  return ctx.deps.store.transaction(async (tx) => {
    const renamed = await tx.renamePasskey(org, user.id, id, name);
    await writeAudit(tx, who(ctx, org, user.id), { action: 'auth.passkey_renamed', target: id, data: { name } });
    return renamed;
  });
}

/** Revoking a passkey is a credential change: every other session of the user ends, this one is renewed. */
export async function revokePasskey(ctx: Context, caller: SessionCaller, id: string): Promise<void> {
  const { organizationId: org, user } = caller;
  const updated = await ctx.deps.store.transaction(async (tx) => {
    const gone = await tx.deletePasskey(org, user.id, id);
    await writeAudit(tx, who(ctx, org, user.id), {
      action: 'auth.passkey_revoked',
      target: id,
      data: { name: gone.name },
    });
    return tx.getUser(org, user.id);
  });
  await startSession(ctx, updated, caller.session.totpPassed, caller.session.secondFactor);
}

async function verifyAssertion(
  ctx: Context,
  challenge: string,
  passkey: StoredPasskey,
  response: AuthenticationResponseJSON,
): Promise<boolean> {
  const rp = relyingParty(ctx);
  const result = await verifyAuthenticationResponse({
    response,
    expectedChallenge: challenge,
    expectedOrigin: rp.origin,
    expectedRPID: rp.rpId,
    credential: credentialOf(passkey),
    requireUserVerification: true,
  }).catch(() => null);
  if (!result?.verified || !result.authenticationInfo.userVerified) return false;
  // The counter is checked again where it is written, so two uses of one assertion cannot both pass.
  return ctx.deps.store.usePasskey(
    passkey.organizationId,
    passkey.id,
    result.authenticationInfo.newCounter,
    ctx.deps.now(),
  );
}

/** The session and the entry that records the sign-in commit together. */
async function signedInWithPasskey(ctx: Context, user: StaffUser, passkey: StoredPasskey, step: string) {
  await auditedAs(
    ctx.deps.store,
    who(ctx, user.organizationId, user.id),
    (tx) => startSession({ ...ctx, deps: { ...ctx.deps, store: tx } }, user, true, 'passkey'),
    () => ({ action: 'auth.sign_in', target: passkey.id, data: { method: 'passkey', step } }),
  );
}

/** A refused assertion of a known user is audited (its attempt is already counted); an unknown credential names none. */
async function refuse(ctx: Context, user: StaffUser | null, step: string): Promise<never> {
  if (user) {
    await ctx.deps.store.transaction((tx) =>
      writeAudit(tx, who(ctx, user.organizationId, user.id), {
        action: 'auth.sign_in_failed',
        target: null,
        data: { step },
      }),
    );
  }
  throw new UnauthenticatedError(REFUSED);
}

/** Second step after the password: one of the user's own passkeys. */
export async function beginSecondFactor(
  ctx: Context,
  caller: SessionCaller,
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const rp = relyingParty(ctx);
  const mine = await ctx.deps.store.listPasskeys(caller.organizationId, caller.user.id);
  if (mine.length === 0) throw new ConflictError('no passkey is enrolled for this account');
  const options = await generateAuthenticationOptions({
    rpID: rp.rpId,
    allowCredentials: mine.map((p) => ({ id: p.credentialId, transports: credentialOf(p).transports })),
    userVerification: 'required',
    timeout: CEREMONY_MS,
  });
  await begin(ctx, sessionKey('passkey.second_factor', caller), 'passkey.second_factor', options.challenge);
  return options;
}

export async function finishSecondFactor(ctx: Context, caller: SessionCaller, response: AuthenticationResponseJSON) {
  const { store, now } = ctx.deps;
  const attempt = await takeAttempt(store, accountKey(caller.user.email), addressKey(ctx.req.address), now());
  const challenge = await take(ctx, sessionKey('passkey.second_factor', caller), 'passkey.second_factor');
  const passkey = await store.passkeyByCredential(response.id);
  const owned = passkey?.organizationId === caller.organizationId && passkey.userId === caller.user.id;
  if (!passkey || !owned || !(await verifyAssertion(ctx, challenge, passkey, response)))
    return refuse(ctx, caller.user, 'passkey');
  await attempt.succeeded();
  await signedInWithPasskey(ctx, caller.user, passkey, 'second_factor');
}

/** Passwordless: a discoverable credential names its user; the ceremony is bound to this browser by a cookie. */
export async function beginPasswordless(ctx: Context): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const rp = relyingParty(ctx);
  if (!ctx.res.setFlow) throw new ConflictError('this host cannot run a passwordless sign-in');
  const options = await generateAuthenticationOptions({
    rpID: rp.rpId,
    userVerification: 'required',
    timeout: CEREMONY_MS,
  });
  const token = randomToken();
  await begin(ctx, sha256(`passkey.passwordless:${token}`), 'passkey.passwordless', options.challenge);
  ctx.res.setFlow(token, CEREMONY_MS);
  return options;
}

export async function finishPasswordless(ctx: Context, response: AuthenticationResponseJSON): Promise<void> {
  const { store, now } = ctx.deps;
  const attempt = await takeAttempt(store, null, addressKey(ctx.req.address), now());
  const token = ctx.req.flowToken ?? null;
  const challenge = await take(ctx, token ? sha256(`passkey.passwordless:${token}`) : null, 'passkey.passwordless');
  ctx.res.setFlow?.(null, 0);
  const passkey = await store.passkeyByCredential(response.id);
  const user = passkey ? await store.getUser(passkey.organizationId, passkey.userId) : null;
  const handle = response.response.userHandle;
  const sameUser = handle === undefined || (user !== null && Buffer.from(handle, 'base64url').toString() === user.id);
  if (!passkey || !user || user.disabled || !sameUser || !(await verifyAssertion(ctx, challenge, passkey, response))) {
    if (user) await countAccountFailure(store, accountKey(user.email), now());
    return refuse(ctx, user, 'passkey');
  }
  await attempt.succeeded();
  await store.clearSignInFailures(accountKey(user.email));
  await signedInWithPasskey(ctx, user, passkey, 'passwordless');
}
