import { describeBothDrivers } from '@evident/db/testing';
import { TRPCError } from '@trpc/server';
import { expect, it } from 'vitest';
import type { ApiDeps } from '../context.ts';
import { type Agent, agent, PASSWORD, SoftAuthenticator, signedIn, testDeps } from '../testing/index.ts';

const ORIGIN = 'https://evident.msp.example';
const webauthn = { origin: ORIGIN, rpId: 'evident.msp.example', rpName: 'Evident' };

const refusedWith = async (call: Promise<unknown>, code: TRPCError['code']) => {
  const error = await call.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, `expected ${code}`).toBeInstanceOf(TRPCError);
  expect((error as TRPCError).code).toBe(code);
  return error as TRPCError;
};

let n = 0;
const address = () => `keys${++n}-${Date.now()}@msp.example`;
const idOf = async (a: Agent) => (await a.call.auth.me()).user.id;

async function enrol(a: Agent, name: string) {
  const device = new SoftAuthenticator(ORIGIN);
  await a.call.passkeys.finishRegistration({
    name,
    response: device.create(await a.call.passkeys.beginRegistration()),
  });
  return device;
}

async function passwordless(deps: ApiDeps, device: SoftAuthenticator) {
  const b = agent(deps);
  const options = await b.call.passkeys.beginPasswordless();
  await b.call.passkeys.finishPasswordless({ response: device.get(options) });
  return b;
}

describeBothDrivers('revoking another staff member’s passkeys', (t) => {
  it('lets an admin revoke a lower or equal rank’s passkeys, ending their sessions, audited', async () => {
    const deps = testDeps(t().store, { webauthn });
    const owner = await signedIn(deps, { email: address() });
    const admin = await signedIn(deps, { email: address(), org: owner.org, role: 'admin' });
    const analystEmail = address();
    const analyst = await signedIn(deps, { email: analystEmail, org: owner.org, role: 'analyst' });
    const laptop = await enrol(analyst, 'Analyst laptop');
    await enrol(analyst, 'Analyst phone');
    const onLaptop = await passwordless(deps, laptop);
    const analystId = await idOf(analyst);

    expect((await admin.call.passkeys.ofStaff({ userId: analystId })).map((p) => p.name)).toEqual([
      'Analyst laptop',
      'Analyst phone',
    ]);
    const { revoked } = await admin.call.passkeys.revokeOfStaff({ userId: analystId });
    expect(revoked).toEqual(['Analyst laptop', 'Analyst phone']);
    // The lost device signs in no more, and every session of the user has ended.
    await refusedWith(passwordless(deps, laptop), 'UNAUTHORIZED');
    await refusedWith(onLaptop.call.auth.me(), 'UNAUTHORIZED');
    await refusedWith(analyst.call.auth.me(), 'UNAUTHORIZED');
    await refusedWith(admin.call.passkeys.revokeOfStaff({ userId: analystId }), 'CONFLICT');
    const back = agent(deps);
    await back.call.auth.signIn({ email: analystEmail, password: PASSWORD });
    expect((await back.call.auth.pending()).next).toBe('totp');

    const adminId = await idOf(admin);
    const entries = (await deps.store.listAudit(owner.org)).filter(
      (e) => e.action === 'auth.passkey_revoked' && e.data.user === analystId,
    );
    expect(entries.map((e) => [e.actor, e.data.name])).toEqual([
      [adminId, 'Analyst laptop'],
      [adminId, 'Analyst phone'],
    ]);
  });

  it('refuses a member, an admin acting on an owner, oneself, and another organization’s admin', async () => {
    const deps = testDeps(t().store, { webauthn });
    const owner = await signedIn(deps, { email: address() });
    const admin = await signedIn(deps, { email: address(), org: owner.org, role: 'admin' });
    const member = await signedIn(deps, { email: address(), org: owner.org, role: 'analyst' });
    const colleague = await signedIn(deps, { email: address(), org: owner.org, role: 'viewer' });
    await enrol(owner, 'Owner key');
    await enrol(admin, 'Admin key');
    await enrol(colleague, 'Viewer key');
    const [ownerId, adminId, colleagueId] = await Promise.all([owner, admin, colleague].map(idOf));

    await refusedWith(member.call.passkeys.revokeOfStaff({ userId: colleagueId }), 'FORBIDDEN');
    await refusedWith(member.call.passkeys.ofStaff({ userId: colleagueId }), 'FORBIDDEN');
    const higher = await refusedWith(admin.call.passkeys.revokeOfStaff({ userId: ownerId }), 'FORBIDDEN');
    expect(higher.message).toMatch(/only an owner or higher can revoke the passkeys of/);
    await refusedWith(admin.call.passkeys.revokeOfStaff({ userId: adminId }), 'CONFLICT');

    const stranger = await signedIn(deps, { email: address(), organizationName: 'Other MSP' });
    const strangerAdmin = await signedIn(deps, { email: address(), org: stranger.org, role: 'admin' });
    for (const userId of [colleagueId, adminId, ownerId]) {
      await refusedWith(strangerAdmin.call.passkeys.revokeOfStaff({ userId }), 'NOT_FOUND');
      await refusedWith(stranger.call.passkeys.ofStaff({ userId }), 'NOT_FOUND');
    }

    // Nothing went, and everyone is still signed in.
    for (const a of [owner, admin, colleague]) {
      expect(await a.call.passkeys.list()).toHaveLength(1);
      expect((await a.call.auth.me()).user.id).toBeTruthy();
    }
    const revoked = (await deps.store.listAudit(owner.org)).filter((e) => e.action === 'auth.passkey_revoked');
    expect(revoked).toEqual([]);
  });
});

describeBothDrivers('requiring passkeys of owners and admins', (t) => {
  it('ends their sessions no passkey established, except the owner’s own that turns it on', async () => {
    const deps = testDeps(t().store, { webauthn });
    const ownerEmail = address();
    const owner = await signedIn(deps, { email: ownerEmail });
    const byCode = await signedIn(deps, { email: address(), org: owner.org, role: 'admin' });
    const withKeyEmail = address();
    const withKey = await signedIn(deps, { email: withKeyEmail, org: owner.org, role: 'admin' });
    const device = await enrol(withKey, 'Admin key');
    const byPasskey = await passwordless(deps, device);
    const analyst = await signedIn(deps, { email: address(), org: owner.org, role: 'analyst' });
    // The owner elsewhere, signed in with a recovery code.
    const ownerElsewhere = agent(deps);
    await ownerElsewhere.call.auth.signIn({ email: ownerEmail, password: PASSWORD });
    await ownerElsewhere.call.auth.verify({ recoveryCode: owner.recoveryCodes[0]! });
    expect((await ownerElsewhere.call.auth.me()).user.email).toBe(ownerEmail);

    await owner.call.passkeys.setPolicy({ requiredForAdmins: true });
    await refusedWith(byCode.call.auth.me(), 'UNAUTHORIZED');
    await refusedWith(withKey.call.auth.me(), 'UNAUTHORIZED');
    await refusedWith(ownerElsewhere.call.auth.me(), 'UNAUTHORIZED');
    expect((await byPasskey.call.auth.me()).user.email).toBe(withKeyEmail);
    expect((await analyst.call.auth.me()).user.role).toBe('analyst');
    expect((await owner.call.auth.me()).user.email).toBe(ownerEmail);

    await owner.call.passkeys.setPolicy({ requiredForAdmins: false });
    expect((await byPasskey.call.auth.me()).user.email).toBe(withKeyEmail);
    const changes = (await deps.store.listAudit(owner.org)).filter(
      (e) => e.action === 'organization.passkeys_required',
    );
    expect(changes.map((e) => [e.data.required, e.data.sessionsEnded])).toEqual([
      [true, 3],
      [false, 0],
    ]);
  });
});
