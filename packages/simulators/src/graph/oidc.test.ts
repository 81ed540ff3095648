import * as client from 'openid-client';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { preset } from '../scenario/presets.ts';
import { type GraphSimulator, startGraphSimulator } from './server.ts';

let sim: GraphSimulator;
let dispatcher: Agent;
const scenario = preset('msp-internal');
const tid = scenario.tenants.find((t) => t.entra)!.entra!.tenantId;
const REDIRECT = 'http://localhost:3000/sso/callback';

const trusting: client.CustomFetch = (url, options) => fetch(url, { ...options, dispatcher } as RequestInit);

async function configuration(authority = tid) {
  const config = await client.discovery(
    new URL(`${sim.url}/${authority}/v2.0`),
    'evident-staff',
    'app-secret',
    undefined,
    {
      [client.customFetch]: trusting,
    },
  );
  config[client.customFetch] = trusting;
  return config;
}

/** The browser's part: follow the authorize URL to the redirect it answers with. */
async function signIn(config: client.Configuration) {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT,
    scope: 'openid profile email',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  const answer = await fetch(url, { redirect: 'manual', dispatcher } as RequestInit);
  expect(answer.status).toBe(302);
  return { callback: new URL(answer.headers.get('location')!), verifier, state, nonce };
}

beforeAll(async () => {
  sim = await startGraphSimulator(scenario);
  dispatcher = new Agent({ connect: { ca: sim.caCert } });
});

afterAll(async () => {
  await dispatcher.close();
  await sim.close();
});

describe('OpenID Connect sign-in', () => {
  it('runs the code flow with PKCE for openid-client; the ID token carries Entra’s claims, nonce and amr', async () => {
    sim.oidc.signInAs({ email: 'alex@msp.example', amr: ['pwd', 'mfa'] });
    const config = await configuration();
    expect(config.serverMetadata().issuer).toBe(`${sim.url}/${tid}/v2.0`);
    const { callback, verifier, state, nonce } = await signIn(config);
    expect(callback.origin + callback.pathname).toBe(REDIRECT);
    const tokens = await client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
      idTokenExpected: true,
    });
    expect(tokens.claims()).toMatchObject({
      tid,
      email: 'alex@msp.example',
      preferred_username: 'alex@msp.example',
      amr: ['pwd', 'mfa'],
      nonce,
      aud: 'evident-staff',
      oid: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
  });

  it('leaves mfa out of amr when told to, and spends a code once', async () => {
    sim.oidc.signInAs({ email: 'pat@msp.example', amr: ['pwd'] });
    const config = await configuration();
    const { callback, verifier, state, nonce } = await signIn(config);
    const checks = { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true };
    const tokens = await client.authorizationCodeGrant(config, callback, checks);
    expect(tokens.claims()?.amr).toEqual(['pwd']);
    await expect(client.authorizationCodeGrant(config, callback, checks)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('refuses a wrong PKCE verifier, and an unknown tenant', async () => {
    sim.oidc.signInAs({ email: 'alex@msp.example' });
    const config = await configuration();
    const { callback, state, nonce } = await signIn(config);
    await expect(
      client.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: client.randomPKCECodeVerifier(),
        expectedState: state,
        expectedNonce: nonce,
      }),
    ).rejects.toMatchObject({ error: 'invalid_grant', error_description: expect.stringMatching(/Code_Verifier/) });
    await expect(configuration('00000000-0000-0000-0000-000000000000')).rejects.toThrow();
  });
});
