import { createPrivateKey } from 'node:crypto';
import { createContext, egressPolicy } from '@evident/connector-kit';
import { combinePresets, type Simulators, scenario, startSimulators } from '@evident/simulators';
import type { GraphSimulator } from '@evident/simulators/graph';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EntraAccountConfig, type EntraSecret, entraAccountConfig, entraConfig, entraSecret } from './config.ts';
import { createEntraConnector } from './connector.ts';
import { FAST, NOW } from './contract.fixture.ts';
import type { EntraDiscoveredCustomer } from './discover.ts';

const DEMO = ['healthy', 'admins-unenforced', 'short-retention', 'msp-internal'] as const;
const connector = createEntraConnector(FAST);
let sims: Simulators;
let graph: GraphSimulator;
let account: EntraAccountConfig;

beforeAll(async () => {
  sims = await startSimulators(scenario.parse({ ...combinePresets([...DEMO]), now: NOW }), { throttleScale: 0.01 });
  graph = sims.graph!;
  const endpoints = { graph: graph.url, login: graph.url, arm: graph.url, caCert: graph.caCert };
  account = entraAccountConfig.parse({ clientId: graph.mspApp.clientId, partnerTenantId: 'contoso-msp', endpoints });
});
afterAll(() => sims?.close());

const egress = () => egressPolicy(new URL(graph.url).host);
const mspSecret = (): EntraSecret => ({ clientSecret: graph.mspApp.clientSecret });

function discover(secret: EntraSecret = mspSecret(), config = account) {
  const ctx = createContext<EntraAccountConfig, EntraSecret>({
    connection: 'contoso-msp-account',
    config,
    secret,
    egress: egress(),
    now: () => new Date(NOW),
  });
  return connector.account!.discover(ctx) as Promise<EntraDiscoveredCustomer[]>;
}

/** A connection made from the account: its config and secret with the customer's own over them. */
function check(customer: EntraDiscoveredCustomer, secret: EntraSecret = mspSecret()) {
  const config = entraConfig.parse({ ...account, ...customer.connection.config });
  return connector.check(
    createContext({
      connection: `${customer.externalId}-entra`,
      config,
      secret,
      egress: egress(),
      now: () => new Date(NOW),
    }),
  );
}

/** The customer's admin opens the consent link and presses Accept, as a browser would. */
async function consent(tenant: string) {
  const dispatcher = new Agent({ connect: { ca: graph.caCert } });
  const query = new URLSearchParams({
    client_id: account.clientId,
    redirect_uri: 'https://evident.example/onboarding/callback',
    state: 'abc',
    scope: 'https://graph.microsoft.com/.default',
  });
  const page = await (
    await fetch(`${graph.url}/${tenant}/v2.0/adminconsent?${query}`, { dispatcher } as RequestInit)
  ).text();
  const form = new URLSearchParams();
  for (const [, name, value] of page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g))
    form.set(
      name!,
      value!.replace(/&#(\d+);/g, (_, c) => String.fromCharCode(Number(c))),
    );
  form.set('decision', 'accept');
  const res = await fetch(`${graph.url}/${tenant}/v2.0/adminconsent`, {
    method: 'POST',
    body: form,
    redirect: 'manual',
    dispatcher,
  } as RequestInit);
  await dispatcher.close();
  return new URL(res.headers.get('location')!);
}

const byName = (customers: EntraDiscoveredCustomer[]) => new Map(customers.map((c) => [c.name, c]));

describe('the MSP’s multi-tenant app as an account', () => {
  it('discovers the GDAP customers: relationships, warnings in words, and whether the app is consented', async () => {
    const customers = byName(await discover());
    expect([...customers.keys()]).toEqual(['Northwind Traders', 'Fabrikam', 'Tailspin Toys']);
    const northwind = customers.get('Northwind Traders')!;
    expect(northwind).toMatchObject({
      externalId: 'northwind',
      connection: { config: { tenantId: 'northwind' } },
      reachable: { ok: true },
      domains: ['northwind.example'],
      warnings: [],
    });
    expect(northwind.relationships[0]).toMatchObject({
      status: 'active',
      roles: [{ name: 'f2ef992c-3afb-46b9-b7cf-a126ee74c451' }, { name: 'Security Administrator' }],
      autoExtends: true,
    });
    const fabrikam = customers.get('Fabrikam')!;
    expect(fabrikam.reachable).toEqual({
      ok: false,
      reason: expect.stringMatching(/has not given admin consent \(AADSTS7000229\)$/),
    });
    expect(fabrikam.domains).toEqual([]);
    expect(fabrikam.warnings).toEqual([expect.stringMatching(/grants Global Administrator: least privilege/)]);
    expect(customers.get('Tailspin Toys')!.warnings).toEqual([
      expect.stringMatching(/^The GDAP relationship “Tailspin Toys managed services” ends on 2026-12-10, in 12 days/),
    ]);
  });

  it('a customer becomes reachable once its admin accepts, and a connection made from the account checks out', async () => {
    const before = byName(await discover()).get('Fabrikam')!;
    const refused = await check(before);
    expect(refused.ok).toBe(false);
    expect(refused.items).toEqual([
      expect.objectContaining({ name: 'sign-in', status: 'missing', message: expect.stringMatching(/AADSTS7000229/) }),
    ]);
    const back = await consent('fabrikam');
    expect(Object.fromEntries(back.searchParams)).toMatchObject({
      admin_consent: 'True',
      tenant: 'fabrikam',
      state: 'abc',
    });
    const after = byName(await discover()).get('Fabrikam')!;
    expect(after).toMatchObject({ reachable: { ok: true }, domains: ['fabrikam.example'] });
    const result = await check(after);
    expect(result.items.find((i) => i.name === 'Organization.Read.All')?.status).toBe('granted');
    expect(result.ok).toBe(true);
  });

  it('names the missing DelegatedAdminRelationship.Read.All, and a refused credential, as errors', async () => {
    // The collector's app is consented in the partner tenant but was never granted GDAP reads.
    const collector = { ...account, clientId: graph.app.clientId };
    await expect(discover({ clientSecret: graph.app.clientSecret }, collector)).rejects.toMatchObject({
      code: 'permission_missing',
      message: expect.stringMatching(/needs the application permission DelegatedAdminRelationship\.Read\.All/),
    });
    await expect(discover({ clientSecret: 'Abc8Q~not-the-secret' })).rejects.toMatchObject({
      code: 'auth_failed',
      message: expect.stringMatching(/AADSTS7000215/),
    });
  });
});

describe('certificate credentials', () => {
  it('sign in the account and a per-tenant connection; another app’s certificate is refused and check says so', async () => {
    const msp = await graph.mspApp.certificate();
    const cert = entraSecret.parse({ credential: 'certificate', certificate: msp.cert, privateKey: msp.key });
    const customers = byName(await discover(cert));
    expect(customers.get('Northwind Traders')!.reachable).toEqual({ ok: true });
    expect(
      (await check(customers.get('Northwind Traders')!, cert)).items.filter((i) => i.status === 'missing'),
    ).toEqual([]);
    const other = await graph.app.certificate();
    const wrong = entraSecret.parse({ credential: 'certificate', certificate: `${other.key}\n${other.cert}` });
    const refused = await check(customers.get('Northwind Traders')!, wrong);
    expect(refused.ok).toBe(false);
    expect(refused.items).toEqual([
      expect.objectContaining({ name: 'sign-in', status: 'missing', message: expect.stringMatching(/AADSTS700027/) }),
    ]);
  });

  it('keeps a stored client secret working, and refuses unusable PEM with a clear message', async () => {
    expect(entraSecret.parse({ clientSecret: 's3cret' })).toEqual({ clientSecret: 's3cret' });
    const { cert, key } = await graph.mspApp.certificate();
    const other = await graph.app.certificate();
    const problem = (input: object) => entraSecret.safeParse({ credential: 'certificate', ...input }).error?.issues;
    expect(problem({ certificate: 'MIIC-not-a-pem' })).toEqual([
      expect.objectContaining({ path: ['certificate'], message: expect.stringMatching(/not in PEM form/) }),
    ]);
    expect(problem({ certificate: cert.replace(/\n[A-Za-z0-9+/]{10}/, '\n!!!!!!!!!!') })).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/malformed/) }),
    ]);
    expect(problem({ certificate: cert })).toEqual([
      expect.objectContaining({ path: ['privateKey'], message: expect.stringMatching(/without its private key/) }),
    ]);
    expect(problem({ certificate: cert, privateKey: other.key })).toEqual([
      expect.objectContaining({ message: 'The private key does not belong to the certificate.' }),
    ]);
    const encrypted = createPrivateKey(key)
      .export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'pw' })
      .toString();
    expect(problem({ certificate: cert, privateKey: encrypted })).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/encrypted/) }),
    ]);
    expect(problem({ certificate: `${cert}\n${key}` })).toBeUndefined();
  });
});

describe('a partner with more customers than a page holds', () => {
  it('pages the relationships and customers; customers outside the simulation are not found', async () => {
    const relationships = Array.from({ length: 305 }, (_, i) => ({
      customer: `ext-${i}`,
      displayName: `Customer ${i}`,
    }));
    const big = await startSimulators(
      scenario.parse({
        name: 'big-partner',
        now: NOW,
        tenants: [{ name: 'partner', entra: { tenantId: 'partner', users: 5, partner: { relationships } } }],
      }),
    );
    try {
      const sim = big.graph!;
      const endpoints = { graph: sim.url, login: sim.url, arm: sim.url, caCert: sim.caCert };
      const config = entraAccountConfig.parse({ clientId: sim.mspApp.clientId, partnerTenantId: 'partner', endpoints });
      const ctx = createContext<EntraAccountConfig, EntraSecret>({
        connection: 'partner-account',
        config,
        secret: { clientSecret: sim.mspApp.clientSecret },
        egress: egressPolicy(new URL(sim.url).host),
        now: () => new Date(NOW),
      });
      const customers = await connector.account!.discover(ctx);
      expect(customers.map((c) => c.externalId)).toEqual(relationships.map((r) => r.customer));
      expect(
        big.accounting.total({ tenant: 'partner', endpoint: '/v1.0/tenantRelationships/delegatedAdminRelationships' }),
      ).toBe(2);
      expect(customers[304]).toMatchObject({
        name: 'Customer 304',
        reachable: { ok: false, reason: expect.stringMatching(/^the tenant was not found/) },
      });
    } finally {
      await big.close();
    }
  }, 60_000);
});
