import { describeBothDrivers } from '@evident/db/testing';
import { TRPCError } from '@trpc/server';
import { expect, it } from 'vitest';
import { agent, PASSWORD, signedIn, testDeps, totpCode } from '../testing/index.ts';

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
const address = () => `owner${++n}-${Date.now()}@msp.example`;

describeBothDrivers('staff sign-in', (t) => {
  it('signs up the first owner, who must enrol TOTP (QR code, ten recovery codes) before anything else', async () => {
    const deps = testDeps(t().store);
    const a = agent(deps);
    expect(await a.call.auth.signUp({ organizationName: 'Acme MSP', email: address(), password: PASSWORD })).toEqual({
      next: 'enrol',
    });
    await refusedWith(a.call.auth.me(), 'UNAUTHORIZED');
    await refusedWith(a.call.portfolio.matrix(), 'UNAUTHORIZED');
    const enrolment = await a.call.auth.beginEnrolment();
    expect(enrolment.uri).toMatch(/^otpauth:\/\/totp\/Evident%20test:.*secret=/);
    expect(enrolment.qrSvg).toMatch(/^<svg/);
    await refusedWith(a.call.auth.confirmEnrolment({ code: '000000' }), 'UNAUTHORIZED');
    const before = a.req.sessionToken;
    const { recoveryCodes } = await a.call.auth.confirmEnrolment({ code: await totpCode(enrolment.secret) });
    expect(new Set(recoveryCodes).size).toBe(10);
    expect(a.req.sessionToken).not.toBe(before);
    const me = await a.call.auth.me();
    expect(me.user).toMatchObject({ role: 'owner', totpEnrolled: true });
    expect(me.recoveryCodesLeft).toBe(10);
    const events = await deps.store.listAudit(me.organization.id);
    expect(events.map((e) => e.action)).toEqual(
      expect.arrayContaining(['organization.create', 'auth.password_accepted', 'auth.totp_enrolled', 'auth.sign_in']),
    );
    await refusedWith(a.call.auth.beginEnrolment(), 'CONFLICT');
  });

  it('asks for the second factor on every sign-in; a recovery code works once; the old session id dies', async () => {
    const deps = testDeps(t().store);
    const email = address();
    const first = await signedIn(deps, { email });
    const b = agent(deps);
    expect(await b.call.auth.signIn({ email, password: PASSWORD })).toEqual({ next: 'totp' });
    await refusedWith(b.call.auth.me(), 'UNAUTHORIZED');
    expect(await b.call.auth.pending()).toEqual({ email, next: 'totp' });
    const halfway = b.req.sessionToken;
    await b.call.auth.verify({ recoveryCode: first.recoveryCodes[0]!.toUpperCase() });
    expect((await b.call.auth.me()).recoveryCodesLeft).toBe(9);
    await refusedWith(agent(deps, { sessionToken: halfway }).call.auth.pending(), 'UNAUTHORIZED');

    const c = agent(deps);
    await c.call.auth.signIn({ email, password: PASSWORD });
    await refusedWith(c.call.auth.verify({ recoveryCode: first.recoveryCodes[0]! }), 'UNAUTHORIZED');
    await c.call.auth.verify({ code: await totpCode(first.secret) });
    expect((await c.call.auth.me()).user.email).toBe(email);
    const actions = (await deps.store.listAudit(first.org)).map((e) => e.action);
    expect(actions.filter((x) => x === 'auth.sign_in_failed')).toHaveLength(1);
  });

  it('locks an account after five wrong passwords, even against the right one, and says for how long', async () => {
    const deps = testDeps(t().store);
    const email = address();
    const owner = await signedIn(deps, { email });
    const x = agent(deps, { address: `10.0.0.${n}` });
    for (let i = 0; i < 5; i++)
      await refusedWith(x.call.auth.signIn({ email, password: 'wrong password!' }), 'UNAUTHORIZED');
    const locked = await refusedWith(x.call.auth.signIn({ email, password: PASSWORD }), 'TOO_MANY_REQUESTS');
    expect(locked.message).toMatch(/try again in \d+ s/);
    const failures = (await deps.store.listAudit(owner.org)).filter((e) => e.action === 'auth.sign_in_failed');
    expect(failures).toHaveLength(5);
  });

  it('locks an address that tries many accounts', async () => {
    const deps = testDeps(t().store);
    const x = agent(deps, { address: '192.0.2.77' });
    for (let i = 0; i < 20; i++)
      await refusedWith(
        x.call.auth.signIn({ email: `nobody${i}@x.example`, password: 'wrong password!' }),
        'UNAUTHORIZED',
      );
    await refusedWith(
      x.call.auth.signIn({ email: 'nobody99@x.example', password: 'wrong password!' }),
      'TOO_MANY_REQUESTS',
    );
  });

  it('ends sessions past their idle limit and after a password change elsewhere', async () => {
    let now = Date.now();
    const deps = testDeps(t().store, { now: () => new Date(now) });
    const email = address();
    const a = await signedIn(deps, { email });
    const b = agent(deps);
    await b.call.auth.signIn({ email, password: PASSWORD });
    await b.call.auth.verify({ code: await totpCode(a.secret, deps.now) });
    await a.call.auth.changePassword({ current: PASSWORD, next: 'another long password' });
    expect((await a.call.auth.me()).user.email).toBe(email);
    await refusedWith(b.call.auth.me(), 'UNAUTHORIZED');
    now += deps.sessions.idleMs + 1000;
    await refusedWith(a.call.auth.me(), 'UNAUTHORIZED');
  });

  it('joins by a single-use invitation with the role it names; a viewer cannot invite', async () => {
    const deps = testDeps(t().store);
    const owner = await signedIn(deps, { email: address() });
    const email = address();
    const { token } = await owner.call.organization.invite({ email, role: 'viewer' });
    const invited = agent(deps);
    expect(await invited.call.auth.acceptInvitation({ token, password: PASSWORD })).toEqual({ next: 'enrol' });
    await refusedWith(agent(deps).call.auth.acceptInvitation({ token, password: PASSWORD }), 'UNAUTHORIZED');
    const { secret } = await invited.call.auth.beginEnrolment();
    await invited.call.auth.confirmEnrolment({ code: await totpCode(secret) });
    expect((await invited.call.auth.me()).user.role).toBe('viewer');
    await refusedWith(invited.call.organization.invite({ email: address(), role: 'owner' }), 'FORBIDDEN');
  });

  it('lets an admin reset a password, which ends that user’s sessions; an admin cannot reset an owner', async () => {
    const deps = testDeps(t().store);
    const owner = await signedIn(deps, { email: address() });
    const admin = await signedIn(deps, { email: address(), org: owner.org, role: 'admin' });
    const analyst = await signedIn(deps, { email: address(), org: owner.org, role: 'analyst' });
    const analystId = (await analyst.call.auth.me()).user.id;
    await admin.call.organization.resetPassword({ userId: analystId, password: 'a brand new password' });
    await refusedWith(analyst.call.auth.me(), 'UNAUTHORIZED');
    const ownerId = (await owner.call.auth.me()).user.id;
    await refusedWith(
      admin.call.organization.resetPassword({ userId: ownerId, password: 'a brand new password' }),
      'FORBIDDEN',
    );
    const actions = (await deps.store.listAudit(owner.org)).map((e) => e.action);
    expect(actions).toContain('staff.password_reset');
  });
});
