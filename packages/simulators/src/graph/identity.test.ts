import { Agent } from 'node:https';
import { ClientSecretCredential } from '@azure/identity';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { preset } from '../scenario/presets.ts';
import { type GraphSimulator, startGraphSimulator } from './server.ts';
import { GraphBodyChecker } from './testing/graph-bodies.ts';
import { graphClient, trustingAgent } from './testing/graph-client.ts';

let sim: GraphSimulator;
const checker = new GraphBodyChecker();

/** @azure/identity sends its requests through its own pipeline; this policy makes it trust the simulator's CA. */
function credential(tenant: string) {
  const agent = new Agent({ ca: sim.caCert });
  return new ClientSecretCredential(tenant, 'evident-app', 'not-a-real-secret', {
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
  });
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
        client_id: 'a',
        client_secret: 'b',
        scope: 'https://vault.azure.net/.default',
      }),
      dispatcher,
    } as RequestInit);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_scope', error_codes: [1002012] });
    await dispatcher.close();
  });

  it('sent bodies of the right shape', () => {
    expect(checker.problems).toEqual([]);
    expect(checker.checked.get('envelope')).toBe(1);
  });
});
