import { describeBothDrivers } from '@evident/db/testing';
import { TRPCError } from '@trpc/server';
import { expect, it } from 'vitest';
import { agent, PASSWORD, signedIn, testDeps } from '../testing/index.ts';
import { totpCodeForStep, totpStepAt } from './secrets.ts';

const refusal = (call: Promise<unknown>) =>
  call.then(
    () => null,
    (e: unknown) => (e instanceof TRPCError ? e : null),
  );

let n = 0;
const address = () => `replay${++n}-${Date.now()}@msp.example`;

/** A clock the test moves: five seconds into a time step, so the step is known. */
function testClock() {
  let at = (totpStepAt(new Date()) + 10) * 30_000 + 5_000;
  return {
    now: () => new Date(at),
    step: () => totpStepAt(new Date(at)),
    advance(ms: number) {
      at += ms;
    },
  };
}

/** Opens the pool's connections first, so two requests start together rather than behind a new connection. */
const warm = (deps: ReturnType<typeof testDeps>) =>
  Promise.all(Array.from({ length: 4 }, () => deps.store.signInLock('warm-up')));

describeBothDrivers('TOTP codes are single-use', (t) => {
  it('refuses a code the second time, and any code of an earlier step, with a clear reason in the audit log', async () => {
    const clock = testClock();
    const deps = testDeps(t().store, { now: clock.now });
    const email = address();
    const owner = await signedIn(deps, { email });
    const enrolled = clock.step();
    const code = (step: number) => ({ code: totpCodeForStep(owner.secret, step) });

    const b = agent(deps, { address: '198.51.100.1' });
    await b.call.auth.signIn({ email, password: PASSWORD });
    const replayed = await refusal(b.call.auth.verify(code(enrolled)));
    expect(replayed?.code).toBe('UNAUTHORIZED');
    expect(replayed?.message).toMatch(/used already/);
    await b.call.auth.verify(code(enrolled + 1));
    expect((await b.call.auth.me()).user.email).toBe(email);

    const c = agent(deps, { address: '198.51.100.2' });
    await c.call.auth.signIn({ email, password: PASSWORD });
    for (const step of [enrolled + 1, enrolled, enrolled - 1])
      expect((await refusal(c.call.auth.verify(code(step))))?.message, `step ${step}`).toMatch(/used already/);
    clock.advance(30_000);
    await c.call.auth.verify(code(enrolled + 2));
    expect((await c.call.auth.me()).user.email).toBe(email);

    const events = await deps.store.listAudit(owner.org);
    expect(events.filter((e) => e.action === 'auth.totp_replayed')).toHaveLength(4);
    const failed = events.filter((e) => e.action === 'auth.sign_in_failed');
    expect(failed.map((e) => e.data)).toEqual(
      Array.from({ length: 4 }, () => expect.objectContaining({ step: 'totp', reason: 'replayed' })),
    );
  });

  it('counts a replayed code as a failed sign-in towards the lockout', async () => {
    const clock = testClock();
    const deps = testDeps(t().store, { now: clock.now });
    const email = address();
    const owner = await signedIn(deps, { email });
    const spent = { code: totpCodeForStep(owner.secret, clock.step()) };
    const x = agent(deps, { address: '198.51.100.3' });
    await x.call.auth.signIn({ email, password: PASSWORD });
    for (let i = 0; i < 5; i++) expect((await refusal(x.call.auth.verify(spent)))?.code).toBe('UNAUTHORIZED');
    const fresh = { code: totpCodeForStep(owner.secret, clock.step() + 1) };
    expect((await refusal(x.call.auth.verify(fresh)))?.code).toBe('TOO_MANY_REQUESTS');
  });

  it('lets exactly one of two simultaneous sign-ins with the same code through', async () => {
    const clock = testClock();
    const deps = testDeps(t().store, { now: clock.now });
    const email = address();
    const owner = await signedIn(deps, { email });
    const halfway = agent(deps, { address: '198.51.100.4' });
    await halfway.call.auth.signIn({ email, password: PASSWORD });
    const token = halfway.req.sessionToken;
    const code = { code: totpCodeForStep(owner.secret, clock.step() + 1) };
    const [one, two] = [agent(deps, { sessionToken: token }), agent(deps, { sessionToken: token })];
    await warm(deps);
    const outcomes = await Promise.allSettled([one.call.auth.verify(code), two.call.auth.verify(code)]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refused = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
    expect((refused.reason as TRPCError).message).toMatch(/used already/);
  });

  it('lets exactly one of two simultaneous enrolment confirmations with the same code through', async () => {
    const clock = testClock();
    const deps = testDeps(t().store, { now: clock.now });
    const a = agent(deps, { address: '198.51.100.5' });
    await a.call.auth.signUp({ organizationName: 'Replay MSP', email: address(), password: PASSWORD });
    const { secret } = await a.call.auth.beginEnrolment();
    const code = { code: totpCodeForStep(secret, clock.step()) };
    const [one, two] = [
      agent(deps, { sessionToken: a.req.sessionToken }),
      agent(deps, { sessionToken: a.req.sessionToken }),
    ];
    await warm(deps);
    const outcomes = await Promise.allSettled([
      one.call.auth.confirmEnrolment(code),
      two.call.auth.confirmEnrolment(code),
    ]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    const winner = outcomes[0].status === 'fulfilled' ? one : two;
    const me = await winner.call.auth.me();
    const replays = (await deps.store.listAudit(me.organization.id)).filter((e) => e.action === 'auth.totp_replayed');
    expect(replays.map((e) => e.data)).toEqual([expect.objectContaining({ step: 'enrol' })]);
  });
});
