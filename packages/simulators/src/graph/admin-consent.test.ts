import { createHash, createPrivateKey, randomUUID, sign, X509Certificate } from 'node:crypto';
import { Agent } from 'node:https';
import { ClientCertificateCredential, ClientSecretCredential, type TokenCredentialOptions } from '@azure/identity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { combinePresets } from '../scenario/presets.ts';
import { type GraphSimulator, startGraphSimulator } from './server.ts';
import { fetchToken, graphClient, trustingAgent } from './testing/graph-client.ts';

const GRAPH = 'https://graph.microsoft.com/.default';
const BACK = 'https://evident.example/onboarding/microsoft/callback';
let sim: GraphSimulator;

beforeAll(async () => {
  sim = await startGraphSimulator(combinePresets(['healthy', 'admins-unenforced', 'short-retention', 'msp-internal']));
});
afterAll(() => sim.close());

function options(): TokenCredentialOptions & { disableInstanceDiscovery: boolean } {
  const agent = new Agent({ ca: sim.caCert });
  return {
    authorityHost: sim.url,
    disableInstanceDiscovery: true,
    additionalPolicies: [
      {
        position: 'perCall',
        policy: { name: 'trust-simulator-ca', sendRequest: (request, next) => next(Object.assign(request, { agent })) },
      },
    ],
  };
}

const mspSecret = (tenant: string) =>
  new ClientSecretCredential(tenant, sim.mspApp.clientId, sim.mspApp.clientSecret, options());

async function send(path: string, init: RequestInit = {}) {
  const dispatcher = trustingAgent(sim);
  try {
    const res = await fetch(`${sim.url}${path}`, { ...init, redirect: 'manual', dispatcher } as RequestInit);
    return { status: res.status, location: res.headers.get('location'), text: await res.text() };
  } finally {
    await dispatcher.close();
  }
}

const consentUrl = (authority: string, clientId = sim.mspApp.clientId) =>
  `/${authority}/v2.0/adminconsent?${new URLSearchParams({ client_id: clientId, redirect_uri: BACK, state: 'st-42', scope: GRAPH })}`;

/** What a browser does: opens the page, reads its form, and presses a button (choosing a tenant where asked). */
async function answer(authority: string, decision: 'accept' | 'cancel', tenant?: string) {
  const page = await send(consentUrl(authority));
  expect(page.status).toBe(200);
  const form = new URLSearchParams();
  for (const [, name, value] of page.text.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g))
    form.set(
      name!,
      value!.replace(/&#(\d+);/g, (_, c) => String.fromCharCode(Number(c))),
    );
  if (tenant) form.set('tenant', tenant);
  form.set('decision', decision);
  const action = /<form method="post" action="([^"]+)">/.exec(page.text)![1]!;
  const sent = await send(action, { method: 'POST', body: form });
  expect(sent.status).toBe(302);
  return new URL(sent.location!);
}

describe('admin consent for the MSP’s multi-tenant app', () => {
  it('refuses tokens before consent (AADSTS7000229), shows the page, and grants tokens once the admin accepts', async () => {
    await expect(mspSecret('fabrikam').getToken(GRAPH)).rejects.toThrow(
      /AADSTS7000229: The client application .* is missing service principal in the tenant fabrikam/,
    );
    const page = await send(consentUrl('fabrikam'));
    expect(page.text).toContain(sim.mspApp.displayName);
    expect(page.text).toMatch(/<button type="submit" name="decision" value="accept">Accept<\/button>/);
    expect(page.text).toMatch(/<button type="submit" name="decision" value="cancel">Cancel<\/button>/);
    expect(sim.consented(sim.mspApp.clientId, 'fabrikam')).toBe(false);

    const back = await answer('fabrikam', 'accept');
    expect(back.origin + back.pathname).toBe(BACK);
    expect(Object.fromEntries(back.searchParams)).toMatchObject({
      admin_consent: 'True',
      tenant: 'fabrikam',
      state: 'st-42',
    });
    expect(back.searchParams.get('scope')).toContain('https://graph.microsoft.com/AuditLog.Read.All');
    expect(sim.consented(sim.mspApp.clientId, 'fabrikam')).toBe(true);
    const client = graphClient(sim, await fetchToken(sim, 'fabrikam', GRAPH, sim.mspApp));
    expect((await client.api('/organization').get()).value[0].id).toBe('fabrikam');
  });

  it('redirects a cancel with access_denied and AADSTS65004, and remembers nothing', async () => {
    const back = await answer('tailspin', 'cancel');
    expect(Object.fromEntries(back.searchParams)).toMatchObject({ error: 'access_denied', state: 'st-42' });
    expect(back.searchParams.get('error_description')).toMatch(/^AADSTS65004: User declined to consent/);
    await expect(mspSecret('tailspin').getToken(GRAPH)).rejects.toThrow(/AADSTS7000229/);
  });

  it('on /organizations the admin’s own tenant is the one consented', async () => {
    const back = await answer('organizations', 'accept', 'tailspin');
    expect(back.searchParams.get('tenant')).toBe('tailspin');
    expect((await mspSecret('tailspin').getToken(GRAPH)).token).toMatch(/^ey/);
  });

  it('shows AADSTS700016 for an unknown client id and AADSTS90002 for an unknown tenant, without redirecting', async () => {
    const unknown = await send(consentUrl('fabrikam', randomUUID()));
    expect([unknown.status, unknown.location]).toEqual([400, null]);
    expect(unknown.text).toMatch(/AADSTS700016: Application with identifier &#39;[0-9a-f-]+&#39; was not found/);
    const nobody = await send(consentUrl('nobody.example'));
    expect(nobody.text).toMatch(/AADSTS90002: Tenant &#39;nobody\.example&#39; not found/);
    const noScope = await send(`/fabrikam/v2.0/adminconsent?client_id=${sim.mspApp.clientId}&redirect_uri=${BACK}`);
    expect([noScope.status, noScope.text]).toEqual([400, expect.stringMatching(/AADSTS900144: .*scope/)]);
  });
});

/** A client assertion made by hand, to break one part of it at a time. */
async function assertion(change: { header?: object; claims?: object; key?: string } = {}) {
  const { cert, key } = await sim.mspApp.certificate();
  const der = new X509Certificate(cert).raw;
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const header = {
    alg: 'RS256',
    typ: 'JWT',
    'x5t#S256': createHash('sha256').update(der).digest('base64url'),
    ...change.header,
  };
  const claims = {
    aud: `${sim.url}/contoso-msp/oauth2/v2.0/token`,
    iss: sim.mspApp.clientId,
    sub: sim.mspApp.clientId,
    jti: randomUUID(),
    nbf: now,
    exp: now + 600,
    ...change.claims,
  };
  const input = `${b64(header)}.${b64(claims)}`;
  return `${input}.${sign('sha256', Buffer.from(input), createPrivateKey(change.key ?? key)).toString('base64url')}`;
}

async function tokenWith(clientAssertion: string) {
  const res = await send('/contoso-msp/oauth2/v2.0/token', {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: sim.mspApp.clientId,
      scope: GRAPH,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: clientAssertion,
    }),
  });
  return { status: res.status, body: JSON.parse(res.text) };
}

describe('certificate credentials of the MSP’s app', () => {
  it('takes MSAL’s PS256 assertion with x5t#S256 through ClientCertificateCredential', async () => {
    const { cert, key } = await sim.mspApp.certificate();
    const credential = new ClientCertificateCredential(
      'contoso-msp',
      sim.mspApp.clientId,
      { certificate: `${key}\n${cert}` },
      options(),
    );
    expect((await credential.getToken(GRAPH)).token).toMatch(/^ey/);
    // The collector's certificate is registered on the collector's app, not on the MSP's.
    const other = await sim.app.certificate();
    const wrong = new ClientCertificateCredential(
      'contoso-msp',
      sim.mspApp.clientId,
      { certificate: `${other.key}\n${other.cert}` },
      options(),
    );
    await expect(wrong.getToken(GRAPH)).rejects.toThrow(/AADSTS700027: Client assertion failed signature validation/);
  });

  it('checks the thumbprint, audience, issuer and lifetime of a hand-made RS256 assertion', async () => {
    expect((await tokenWith(await assertion())).status).toBe(200);
    const refusal = async (change: Parameters<typeof assertion>[0]) => {
      const { status, body } = await tokenWith(await assertion(change));
      return [status, body.error, body.error_codes[0]];
    };
    const badThumbprint = { header: { 'x5t#S256': Buffer.alloc(32).toString('base64url') } };
    expect(await refusal(badThumbprint)).toEqual([401, 'invalid_client', 700027]);
    expect(await refusal({ claims: { aud: 'https://login.microsoftonline.com/x/oauth2/v2.0/token' } })).toEqual([
      401,
      'invalid_client',
      700027,
    ]);
    expect(await refusal({ claims: { iss: sim.app.clientId } })).toEqual([401, 'invalid_client', 700027]);
    expect(await refusal({ claims: { exp: Math.floor(Date.now() / 1000) - 60 } })).toEqual([
      401,
      'invalid_client',
      700024,
    ]);
    expect(await refusal({ key: (await sim.app.certificate()).key })).toEqual([401, 'invalid_client', 700027]);
  });
});
