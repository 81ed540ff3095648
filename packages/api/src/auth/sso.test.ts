import { get } from 'node:https';
import { egressPolicy } from '@evident/connector-kit';
import type { OrganizationId } from '@evident/core';
import { describeBothDrivers } from '@evident/db/testing';
import { preset } from '@evident/simulators';
import { type GraphSimulator, startGraphSimulator } from '@evident/simulators/graph';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ApiDeps } from '../context.ts';
import { type Agent, agent, signedIn, testDeps, totpCode } from '../testing/index.ts';

// Entra tenant ids are GUIDs; the preset names its tenant, so it is given one.
const TENANT = '3f0c9a52-6e1b-4c8d-9a7e-2b5d4c1e0f9a';
const scenario = preset('msp-internal');
const msp = scenario.tenants.find((t) => t.entra)!;
msp.entra!.tenantId = TENANT;
/**
 * The simulator also finds a tenant by its scenario name: an organization configured with this GUID reaches the same
 * sign-in page and key, and is answered with ID tokens whose `tid` (and issuer) are TENANT's, another tenant's.
 */
const NEIGHBOUR = '9d1e7c44-0b6a-4f3e-8c2d-5a7b9e1f3c60';
msp.name = NEIGHBOUR;
const CLIENT = '5a8c1f0e-2d7b-4f4e-9d0a-6c1e2b3a4d5f';
const ORIGIN = 'http://localhost:5173';
let sim: GraphSimulator;

beforeAll(async () => {
  sim = await startGraphSimulator(scenario);
});
afterAll(() => sim.close());

const refusedWith = async (call: Promise<unknown>, code: TRPCError['code']) => {
  const error = await call.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, `expected ${code}`).toBeInstanceOf(TRPCError);
  expect((error as TRPCError).code).toBe(code);
  return error as TRPCError;
};

/** What the browser does between start and finish: follow Microsoft's sign-in to the redirect back. */
function follow(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    get(url, { ca: sim.caCert }, (res) => {
      res.resume();
      const location = res.headers.location;
      if (res.statusCode === 302 && location) resolve(location);
      else reject(new Error(`the sign-in page answered ${res.statusCode}`));
    }).on('error', reject);
  });
}

const deps = (store: ApiDeps['store']) =>
  testDeps(store, {
    publicOrigin: ORIGIN,
    ssoCaCert: sim.caCert,
    egress: egressPolicy(new URL(sim.url).host),
  });

let n = 0;
async function organization(d: ApiDeps, jitRole: 'viewer' | null = null, tenantId = TENANT) {
  const owner = await signedIn(d, { email: `owner${++n}-${Date.now()}@msp.example` });
  await owner.call.sso.setSettings({
    settings: { tenantId, clientId: CLIENT, clientSecret: 'app secret', authority: sim.url, jitRole },
  });
  return owner;
}

async function microsoft(d: ApiDeps, org: string): Promise<Agent> {
  const b = agent(d);
  const { url } = await b.call.sso.start({ organizationId: org as OrganizationId });
  await b.call.sso.finish({ callbackUrl: await follow(url) });
  return b;
}

describeBothDrivers('Sign in with Microsoft', (t) => {
  it('signs in when the ID token proves MFA; asks for the TOTP code when amr has no mfa', async () => {
    const d = deps(t().store);
    const owner = await organization(d);
    const email = `tech${++n}@msp.example`;
    const tech = await signedIn(d, { email, org: owner.org, role: 'analyst' });
    sim.oidc.signInAs({ email, amr: ['pwd', 'mfa'] });
    const b = await microsoft(d, owner.org);
    expect((await b.call.auth.me()).user.email).toBe(email);

    sim.oidc.signInAs({ email, amr: ['pwd'] });
    const c = await microsoft(d, owner.org);
    await refusedWith(c.call.auth.me(), 'UNAUTHORIZED');
    expect((await c.call.auth.pending()).next).toBe('totp');
    await c.call.auth.verify({ code: await totpCode(tech.secret) });
    expect((await c.call.auth.me()).user.email).toBe(email);
    const audit = (await d.store.listAudit(owner.org)).filter((e) => e.data.method === 'sso.microsoft');
    expect(audit.map((e) => e.action)).toEqual(['auth.sign_in', 'auth.password_accepted']);
  });

  it('refuses an unknown e-mail in words, unless the organization lets staff join as a set role', async () => {
    const d = deps(t().store);
    const closed = await organization(d);
    const email = `new${++n}@msp.example`;
    sim.oidc.signInAs({ email, amr: ['pwd', 'mfa'] });
    const refused = await refusedWith(microsoft(d, closed.org), 'UNAUTHORIZED');
    expect(refused.message).toMatch(/has no staff account here/);

    const open = await organization(d, 'viewer');
    const b = await microsoft(d, open.org);
    expect((await b.call.auth.me()).user).toMatchObject({ email, role: 'viewer' });
  });

  it('refuses another tenant in words, and an answer replayed or brought to another browser', async () => {
    const d = deps(t().store);
    const wrong = await organization(d, null, '00000000-0000-4000-8000-000000000000');
    const refused = await refusedWith(agent(d).call.sso.start({ organizationId: wrong.org }), 'UNAUTHORIZED');
    expect(refused.message).toMatch(/did not answer for tenant 00000000-0000-4000-8000-000000000000/);

    const owner = await organization(d);
    const email = `tech${++n}@msp.example`;
    await signedIn(d, { email, org: owner.org, role: 'viewer' });
    sim.oidc.signInAs({ email, amr: ['pwd', 'mfa'] });
    const b = agent(d);
    const { url } = await b.call.sso.start({ organizationId: owner.org });
    const callback = await follow(url);
    // Another browser, without the ceremony cookie, cannot use the answer.
    await refusedWith(agent(d).call.sso.finish({ callbackUrl: callback }), 'UNAUTHORIZED');
    const flow = b.req.flowToken;
    await b.call.sso.finish({ callbackUrl: callback });
    await refusedWith(agent(d, { flowToken: flow }).call.sso.finish({ callbackUrl: callback }), 'UNAUTHORIZED');
  });

  it('refuses a valid ID token of another tenant than the configured one, in words, and starts no session', async () => {
    const d = deps(t().store);
    const owner = await organization(d, 'viewer', NEIGHBOUR);
    const email = `tech${++n}@msp.example`;
    await signedIn(d, { email, org: owner.org, role: 'analyst' });
    sim.oidc.signInAs({ email, amr: ['pwd', 'mfa'] });
    const b = agent(d);
    const { url } = await b.call.sso.start({ organizationId: owner.org });
    const refused = await refusedWith(b.call.sso.finish({ callbackUrl: await follow(url) }), 'UNAUTHORIZED');
    expect(refused.message).toMatch(new RegExp(`not of this organization's Microsoft tenant \\(${NEIGHBOUR}\\)`));
    await refusedWith(b.call.auth.pending(), 'UNAUTHORIZED');
    const audit = await d.store.listAudit(owner.org);
    expect(audit.filter((e) => e.data.method === 'sso.microsoft' || e.action === 'staff.join')).toEqual([]);
  });

  it('lets only owners set it up, and only to an endpoint the egress policy allows', async () => {
    const d = deps(t().store);
    const owner = await organization(d);
    const admin = await signedIn(d, { email: `admin${++n}@msp.example`, org: owner.org, role: 'admin' });
    await refusedWith(admin.call.sso.settings(), 'FORBIDDEN');
    const error = await owner.call.sso
      .setSettings({
        settings: { tenantId: TENANT, clientId: CLIENT, authority: 'https://login.evil.example', jitRole: null },
      })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(TRPCError);
    expect((await owner.call.sso.settings())?.authority).toBe(sim.url);
  });
});
