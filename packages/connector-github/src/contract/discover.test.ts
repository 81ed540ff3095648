import { generateKeyPairSync } from 'node:crypto';
import { createContext, type DiscoveredCustomer, egressPolicy } from '@evident/connector-kit';
import { preset, scenario } from '@evident/simulators';
import { type GithubSimulator, startGithubSimulator } from '@evident/simulators/github';
import { afterEach, describe, expect, it } from 'vitest';
import { githubAccountConfig, githubAccountSecret } from '../account.ts';
import { githubConfig, githubSecret } from '../config.ts';
import { createGithubConnector } from '../connector.ts';
import { FAST, NOW } from './sim.fixture.ts';

const connector = createGithubConnector(FAST);
const account = connector.account!;

let sim: GithubSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

function accountContext(s: GithubSimulator, privateKey = s.app.privateKey, appId: number | string = s.app.id) {
  return createContext({
    connection: 'msp-github-app',
    config: githubAccountConfig.parse({ endpoints: { api: s.url } }),
    secret: githubAccountSecret.parse({ appId, privateKey }),
    egress: egressPolicy(new URL(s.url).host),
    now: () => NOW,
  });
}

/** A connection made from the account for one discovered customer: the account's config and secret under its own. */
function connectionContext(s: GithubSimulator, c: DiscoveredCustomer) {
  const a = accountContext(s);
  return createContext({
    connection: `conn-${c.externalId}`,
    config: githubConfig.parse({ ...a.config, ...c.connection.config }),
    secret: githubSecret.parse({ ...a.secret, ...c.connection.secret }),
    egress: a.egress,
    now: () => NOW,
  });
}

describe('GitHub App account: discovery', () => {
  it('lists each installation as a customer, says which cannot be read and why, and names missing permissions', async () => {
    sim = await startGithubSimulator(preset('github-app-msp'));
    const found = await account.discover(accountContext(sim));
    const byName = new Map(found.map((c) => [c.name, c]));
    expect([...byName.keys()].sort()).toEqual(['harbor', 'harbor-contractor', 'pier', 'quay']);

    const harbor = byName.get('harbor')!;
    expect(harbor).toEqual({
      externalId: String(sim.app.installationId('harbor')),
      name: 'harbor',
      domains: ['harbor'],
      connection: {
        config: { org: 'harbor' },
        secret: { kind: 'app', installationId: sim.app.installationId('harbor') },
      },
      reachable: { ok: true },
      warnings: [],
    });

    const quay = byName.get('quay')!;
    expect(quay.reachable.ok).toBe(false);
    expect(!quay.reachable.ok && quay.reachable.reason).toMatch(/suspended by quay-owner-1 on \d{4}-\d\d-\d\d/);

    const pier = byName.get('pier')!;
    expect(pier.reachable).toEqual({ ok: true });
    expect(pier.warnings).toHaveLength(3);
    expect(pier.warnings.join('\n')).toMatch(/lacks Administration: read.*2FA requirement/);
    expect(pier.warnings.join('\n')).toMatch(/lacks Organization administration: read/);
    expect(pier.warnings.join('\n')).toMatch(/lacks Custom organization roles: read/);

    const person = byName.get('harbor-contractor')!;
    expect(person.reachable.ok).toBe(false);
    expect(!person.reachable.ok && person.reachable.reason).toMatch(
      /personal account harbor-contractor, not on an organization/,
    );
    expect(sim.accounting.total({ endpoint: 'GET /app/installations' })).toBe(1);
  });

  it('a connection made from a discovered org reads it; one made from the suspended installation fails in words', async () => {
    sim = await startGithubSimulator(preset('github-app-msp'));
    const found = await account.discover(accountContext(sim));
    const harbor = await connector.check(connectionContext(sim, found.find((c) => c.name === 'harbor')!));
    expect(harbor.items.find((i) => i.name === 'token')).toMatchObject({ status: 'granted' });
    expect(harbor.items.find((i) => i.name === 'members:read')).toMatchObject({ status: 'granted' });

    const quay = await connector.check(connectionContext(sim, found.find((c) => c.name === 'quay')!));
    expect(quay.ok).toBe(false);
    expect(quay.items.find((i) => i.name === 'token')?.message).toMatch(/installation \d+ is suspended/);
  });

  it('follows every page of installations', async () => {
    const orgs = Array.from({ length: 130 }, (_, i) => ({ name: `org${i}`, github: { org: `org${i}`, members: 1 } }));
    sim = await startGithubSimulator(scenario.parse({ tenants: orgs }));
    const found = await account.discover(accountContext(sim));
    expect(found).toHaveLength(130);
    expect(new Set(found.map((c) => c.externalId))).toEqual(
      new Set(orgs.map((o) => String(sim!.app.installationId(o.name)))),
    );
    expect(found.every((c) => c.reachable.ok)).toBe(true);
    expect(sim.accounting.total({ endpoint: 'GET /app/installations' })).toBe(2);
  });

  it('an org the App is not installed on is not listed', async () => {
    sim = await startGithubSimulator(
      scenario.parse({
        tenants: [
          { name: 'a', github: { org: 'a', members: 1 } },
          { name: 'b', github: { org: 'b', members: 1, appInstallation: 'none' } },
        ],
      }),
    );
    expect((await account.discover(accountContext(sim))).map((c) => c.name)).toEqual(['a']);
  });
});

describe('GitHub App account: credentials', () => {
  it('a key of another App is refused by GitHub, and discovery says so', async () => {
    sim = await startGithubSimulator(preset('github-app-msp'));
    const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    });
    const failure = account.discover(accountContext(sim, String(stranger)));
    await expect(failure).rejects.toMatchObject({
      code: 'auth_failed',
      message: expect.stringMatching(/GitHub refused App \d+'s signed JWT when listing its installations \(401/),
    });
    const wrongApp = account.discover(accountContext(sim, sim.app.privateKey, sim.app.id + 1));
    await expect(wrongApp).rejects.toMatchObject({ code: 'auth_failed' });
  });

  it('refuses a public key, a certificate and text that is no key, before calling anyone', () => {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const publicKey = String(pair.publicKey.export({ type: 'spki', format: 'pem' }));
    const rsaPublic = String(pair.publicKey.export({ type: 'pkcs1', format: 'pem' }));
    const certificate = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----\n';
    const cases: [string, RegExp][] = [
      [publicKey, /a public key, not the App's private key/],
      [rsaPublic, /a public key, not the App's private key/],
      [certificate, /a certificate, not the App's private key/],
      ['hunter2', /not a PEM private key/],
    ];
    for (const [privateKey, message] of cases) {
      const parsed = githubAccountSecret.safeParse({ appId: 12, privateKey });
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues[0]?.message).toMatch(message);
    }
    const ec = String(
      generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }),
    );
    expect(githubAccountSecret.safeParse({ appId: 12, privateKey: ec }).error?.issues[0]?.message).toMatch(/ec key/);
    const pkcs1 = String(pair.privateKey.export({ type: 'pkcs1', format: 'pem' }));
    expect(githubAccountSecret.parse({ appId: '12', privateKey: pkcs1 })).toMatchObject({ kind: 'app', appId: 12 });
  });
});
