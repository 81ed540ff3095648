import { Agent } from 'node:https';
import { ClientCertificateCredential, ClientSecretCredential, type TokenCredentialOptions } from '@azure/identity';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { preset } from '../scenario/presets.ts';
import { type GraphSimulator, startGraphSimulator } from './server.ts';
import { GraphBodyChecker } from './testing/graph-bodies.ts';
import { graphClient, trustingAgent } from './testing/graph-client.ts';

const GRAPH = 'https://graph.microsoft.com/.default';
let sim: GraphSimulator;
const checker = new GraphBodyChecker();

/** @azure/identity sends its requests through its own pipeline; this policy makes it trust the simulator's CA. */
function options(): TokenCredentialOptions & { disableInstanceDiscovery: boolean } {
  const agent = new Agent({ ca: sim.caCert });
  return {
    authorityHost: sim.url,
    disableInstanceDiscovery: true,
    additionalPolicies: [
      {
        position: 'perCall',
        policy: {
          name: 'trust-simulator-ca',
          sendRequest: (request, next) => {
            request.agent = agent;
            return next(request);
          },
        },
      },
    ],
  };
}

function credential(tenant: string, clientId = sim.app.clientId, secret = sim.app.clientSecret) {
  return new ClientSecretCredential(tenant, clientId, secret, options());
}

/** Entra ID's token-endpoint error body, and nothing else. */
const tokenError = z
  .object({
    error: z.string(),
    error_description: z.string(),
    error_codes: z.array(z.number()),
    timestamp: z.string(),
    trace_id: z.string(),
    correlation_id: z.string(),
  })
  .strict();

/** A token request sent by hand, to see the body the token endpoint answers with. */
async function tokenRequest(form: Record<string, string>) {
  const dispatcher = trustingAgent(sim);
  const res = await fetch(`${sim.url}/contoso-msp/oauth2/v2.0/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      scope: 'https://graph.microsoft.com/.default',
      ...form,
    }),
    dispatcher,
  } as RequestInit);
  const body = tokenError.parse(await res.json());
  await dispatcher.close();
  return { status: res.status, body };
}

beforeAll(async () => {
  sim = await startGraphSimulator(preset('msp-internal'));
});

afterAll(() => sim.close());

describe('token endpoint', () => {
  it('serves ClientSecretCredential unchanged, and its token works through the SDK', async () => {
    const authProvider = new TokenCredentialAuthenticationProvider(credential('contoso-msp'), {
      scopes: ['https://graph.microsoft.com/.default'],
    });
    const client = graphClient(sim, authProvider, { onResponse: checker.check });
    const org = await client.api('/organization').get();
    expect(org.value[0].verifiedDomains[0].name).toBe('contoso-msp.example');
    expect(sim.accounting.total({ tenant: 'contoso-msp', endpoint: '/{tenant}/oauth2/v2.0/token' })).toBe(1);
    expect(
      sim.accounting.total({ tenant: 'contoso-msp', endpoint: '/{tenant}/v2.0/.well-known/openid-configuration' }),
    ).toBe(1);
  });

  it('issues tokens for Azure Resource Manager too, by domain name as well as tenant id', async () => {
    const token = await credential('contoso-msp.example').getToken('https://management.azure.com/.default');
    const claims = JSON.parse(Buffer.from(token.token.split('.')[1]!, 'base64url').toString('utf8'));
    expect(claims).toMatchObject({ aud: 'https://management.azure.com', tid: 'contoso-msp' });
    expect(token.expiresOnTimestamp).toBeGreaterThan(Date.now() + 3_000_000);
  });

  it('rejects an unknown tenant and an unknown resource as Entra ID does', async () => {
    // MSAL reads the 400 invalid_tenant from OpenID discovery as "endpoints cannot be resolved", as with Entra ID.
    await expect(credential('nobody').getToken('https://graph.microsoft.com/.default')).rejects.toThrow(
      /endpoints_resolution_error/,
    );
    expect(
      sim.accounting.total({
        tenant: '(unauthenticated)',
        endpoint: '/{tenant}/v2.0/.well-known/openid-configuration',
      }),
    ).toBe(1);
    const dispatcher = trustingAgent(sim);
    const res = await fetch(`${sim.url}/contoso-msp/oauth2/v2.0/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: sim.app.clientId,
        client_secret: sim.app.clientSecret,
        scope: 'https://vault.azure.net/.default',
      }),
      dispatcher,
    } as RequestInit);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_scope', error_codes: [1002012] });
    await dispatcher.close();
  });

  it('refuses a wrong client secret with AADSTS7000215, in Entra ID’s body', async () => {
    await expect(credential('contoso-msp', sim.app.clientId, 'Abc8Q~not-the-secret').getToken(GRAPH)).rejects.toThrow(
      /AADSTS7000215: Invalid client secret provided/,
    );
    const { status, body } = await tokenRequest({ client_id: sim.app.clientId, client_secret: 'wrong' });
    expect(status).toBe(401);
    expect(body).toMatchObject({ error: 'invalid_client', error_codes: [7000215] });
    expect(body.error_description).toMatch(/^AADSTS7000215: Invalid client secret provided\. .*Trace ID: /);
  });

  it('refuses an app the tenant does not know with AADSTS700016', async () => {
    await expect(credential('contoso-msp', 'f0e1d2c3-0000-4000-8000-000000000000').getToken(GRAPH)).rejects.toThrow(
      /AADSTS700016: Application with identifier 'f0e1d2c3-0000-4000-8000-000000000000' was not found/,
    );
    const { status, body } = await tokenRequest({ client_id: 'someone-else', client_secret: sim.app.clientSecret });
    expect([status, body.error, body.error_codes]).toEqual([400, 'unauthorized_client', [700016]]);
  });

  it('takes a client assertion signed by the registered certificate, and refuses any other with AADSTS700027', async () => {
    const { cert, key } = await sim.app.certificate();
    const good = new ClientCertificateCredential(
      'contoso-msp',
      sim.app.clientId,
      { certificate: `${key}\n${cert}` },
      options(),
    );
    expect((await good.getToken(GRAPH)).token).toMatch(/^ey/);
    const other = await generate([{ name: 'commonName', value: 'intruder' }], { keySize: 2048, algorithm: 'sha256' });
    const forged = new ClientCertificateCredential(
      'contoso-msp',
      sim.app.clientId,
      { certificate: `${other.private}\n${other.cert}` },
      options(),
    );
    await expect(forged.getToken(GRAPH)).rejects.toThrow(/AADSTS700027/);
  });

  it('sent bodies of the right shape', () => {
    expect(checker.problems).toEqual([]);
    expect(checker.checked.get('envelope')).toBe(1);
  });
});
