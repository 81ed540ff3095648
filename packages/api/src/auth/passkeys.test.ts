import { describeBothDrivers } from '@evident/db/testing';
import { TRPCError } from '@trpc/server';
import { expect, it } from 'vitest';
import type { ApiDeps } from '../context.ts';
import { type Agent, agent, PASSWORD, SoftAuthenticator, signedIn, testDeps, totpCode } from '../testing/index.ts';

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
const address = () => `staff${++n}-${Date.now()}@msp.example`;

async function enrol(a: Agent, device: SoftAuthenticator, name: string) {
  const options = await a.call.passkeys.beginRegistration();
  return a.call.passkeys.finishRegistration({ name, response: device.create(options) });
}

async function passwordless(
  deps: ApiDeps,
  device: SoftAuthenticator,
  opts: Parameters<SoftAuthenticator['get']>[1] = {},
) {
  const b = agent(deps);
  const options = await b.call.passkeys.beginPasswordless();
  await b.call.passkeys.finishPasswordless({ response: device.get(options, opts) });
  return b;
}

describeBothDrivers('passkeys', (t) => {
  it('enrols several, names them, signs in passwordless with each, and a revoked one no longer works', async () => {
    const deps = testDeps(t().store, { webauthn });
    const email = address();
    const a = await signedIn(deps, { email });
    const laptop = new SoftAuthenticator(ORIGIN);
    const phone = new SoftAuthenticator(ORIGIN);
    const first = await enrol(a, laptop, 'Laptop');
    const second = await enrol(a, phone, 'Phone');
    await a.call.passkeys.rename({ id: second.id, name: 'Work phone' });
    expect((await a.call.passkeys.list()).map((p) => p.name)).toEqual(['Laptop', 'Work phone']);
    await a.call.auth.signOut();

    const b = await passwordless(deps, laptop);
    expect((await b.call.auth.me()).user.email).toBe(email);
    const c = await passwordless(deps, phone);

    await b.call.passkeys.revoke({ id: first.id });
    expect((await b.call.passkeys.list()).map((p) => p.id)).toEqual([second.id]);
    await refusedWith(passwordless(deps, laptop), 'UNAUTHORIZED');
    // Revoking is a credential change: the user's other sessions end, the revoking one is renewed.
    await refusedWith(c.call.auth.me(), 'UNAUTHORIZED');
    expect((await b.call.auth.me()).user.email).toBe(email);

    const audit = await deps.store.listAudit(a.org);
    const actions = audit.map((e) => e.action);
    expect(actions.filter((x) => x === 'auth.passkey_enrolled')).toHaveLength(2);
    expect(actions).toEqual(expect.arrayContaining(['auth.passkey_renamed', 'auth.passkey_revoked']));
    const signIns = audit.filter((e) => e.action === 'auth.sign_in' && e.data.method === 'passkey');
    expect(signIns).toHaveLength(2);
  });

  it('takes a passkey as the second factor after the password, and only one of the user’s own', async () => {
    const deps = testDeps(t().store, { webauthn });
    const email = address();
    const a = await signedIn(deps, { email });
    const mine = new SoftAuthenticator(ORIGIN);
    await enrol(a, mine, 'Key');
    const other = await signedIn(deps, { email: address(), org: a.org, role: 'analyst' });
    const theirs = new SoftAuthenticator(ORIGIN);
    await enrol(other, theirs, 'Theirs');

    const b = agent(deps);
    await b.call.auth.signIn({ email, password: PASSWORD });
    await refusedWith(b.call.auth.me(), 'UNAUTHORIZED');
    const options = await b.call.passkeys.beginSecondFactor();
    const foreign = theirs.get(options, { credential: [...theirs.credentials.keys()][0]! });
    await refusedWith(b.call.passkeys.finishSecondFactor({ response: foreign }), 'UNAUTHORIZED');
    // The refusal spent the challenge: the right passkey needs a new one.
    await refusedWith(b.call.passkeys.finishSecondFactor({ response: mine.get(options) }), 'UNAUTHORIZED');
    await b.call.passkeys.finishSecondFactor({ response: mine.get(await b.call.passkeys.beginSecondFactor()) });
    expect((await b.call.auth.me()).user.email).toBe(email);
  });

  it('spends each challenge once, binds it to the browser that asked, and lets it expire', async () => {
    let now = Date.now();
    const deps = testDeps(t().store, { webauthn, now: () => new Date(now) });
    const a = await signedIn(deps, { email: address(), org: undefined });
    const device = new SoftAuthenticator(ORIGIN);
    await enrol(a, device, 'Key');

    const b = agent(deps);
    const options = await b.call.passkeys.beginPasswordless();
    const response = device.get(options);
    await b.call.passkeys.finishPasswordless({ response });
    await refusedWith(
      agent(deps, { flowToken: b.req.flowToken }).call.passkeys.finishPasswordless({ response }),
      'UNAUTHORIZED',
    );

    const asker = agent(deps);
    const asked = await asker.call.passkeys.beginPasswordless();
    const elsewhere = agent(deps);
    await elsewhere.call.passkeys.beginPasswordless();
    await refusedWith(elsewhere.call.passkeys.finishPasswordless({ response: device.get(asked) }), 'UNAUTHORIZED');

    const late = agent(deps);
    const stale = await late.call.passkeys.beginPasswordless();
    now += 121_000;
    await refusedWith(late.call.passkeys.finishPasswordless({ response: device.get(stale) }), 'UNAUTHORIZED');
  });

  it('refuses an assertion without user verification, from another origin, or with a counter that went back', async () => {
    const deps = testDeps(t().store, { webauthn });
    const a = await signedIn(deps, { email: address() });
    const device = new SoftAuthenticator(ORIGIN);
    await enrol(a, device, 'Key');
    await refusedWith(passwordless(deps, device, { uv: false }), 'UNAUTHORIZED');
    await refusedWith(passwordless(deps, device, { origin: 'https://evident-msp.example.net' }), 'UNAUTHORIZED');
    await passwordless(deps, device, { counter: 10 });
    // A clone of the authenticator shows a counter the server has seen already.
    await refusedWith(passwordless(deps, device, { counter: 10 }), 'UNAUTHORIZED');
    await refusedWith(passwordless(deps, device, { counter: 9 }), 'UNAUTHORIZED');
    await passwordless(deps, device, { counter: 11 });

    const refused = new SoftAuthenticator(ORIGIN);
    const options = await a.call.passkeys.beginRegistration();
    await refusedWith(
      a.call.passkeys.finishRegistration({ name: 'No UV', response: refused.create(options, { uv: false }) }),
      'UNAUTHORIZED',
    );
  });

  it('requires passkeys of owners and admins when the organization says so; TOTP alone then leads to enrolment', async () => {
    const deps = testDeps(t().store, { webauthn });
    const ownerEmail = address();
    const owner = await signedIn(deps, { email: ownerEmail });
    const admin = await signedIn(deps, { email: address(), org: owner.org, role: 'admin' });
    await refusedWith(admin.call.passkeys.setPolicy({ requiredForAdmins: true }), 'FORBIDDEN');
    await owner.call.passkeys.setPolicy({ requiredForAdmins: true });
    const viewerEmail = address();
    await signedIn(deps, { email: viewerEmail, org: owner.org, role: 'viewer' });

    // The owner has no passkey yet: TOTP is accepted, and then a passkey must be enrolled before anything else.
    const b = agent(deps);
    await b.call.auth.signIn({ email: ownerEmail, password: PASSWORD });
    expect((await b.call.auth.pending()).next).toBe('totp');
    await b.call.auth.verify({ code: await totpCode(owner.secret) });
    expect((await b.call.auth.pending()).next).toBe('passkey_enrol');
    await refusedWith(b.call.auth.me(), 'UNAUTHORIZED');
    await refusedWith(b.call.passkeys.list(), 'UNAUTHORIZED');
    const key = new SoftAuthenticator(ORIGIN);
    await enrol(b, key, 'Owner key');
    expect((await b.call.auth.me()).user.email).toBe(ownerEmail);

    // With a passkey enrolled, neither a TOTP code nor a recovery code completes the owner's sign-in.
    const c = agent(deps);
    await c.call.auth.signIn({ email: ownerEmail, password: PASSWORD });
    expect((await c.call.auth.pending()).next).toBe('passkey');
    await refusedWith(c.call.auth.verify({ code: await totpCode(owner.secret) }), 'FORBIDDEN');
    await refusedWith(c.call.auth.verify({ recoveryCode: owner.recoveryCodes[0]! }), 'FORBIDDEN');
    await refusedWith(c.call.auth.me(), 'UNAUTHORIZED');
    await c.call.passkeys.finishSecondFactor({ response: key.get(await c.call.passkeys.beginSecondFactor()) });
    expect((await c.call.auth.me()).user.email).toBe(ownerEmail);

    // A viewer is not asked.
    const v = agent(deps);
    await v.call.auth.signIn({ email: viewerEmail, password: PASSWORD });
    expect((await v.call.auth.pending()).next).toBe('totp');
    const actions = (await deps.store.listAudit(owner.org)).map((e) => e.action);
    expect(actions).toContain('organization.passkeys_required');
  });
});
