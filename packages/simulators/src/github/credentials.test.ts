import { createAppAuth } from '@octokit/auth-app';
import { Octokit } from '@octokit/rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scenario } from '../scenario/schema.ts';
import { toArray } from './lazy-list.ts';
import { octokitFor } from './octokit.fixture.ts';
import { schemaErrors } from './openapi.fixture.ts';
import { type GithubSimulator, githubConnectionSecret, startGithubSimulator } from './server.ts';
import { githubOrg, githubToken, githubTokens } from './world.ts';

const world = scenario.parse({
  seed: 11,
  tenants: [
    {
      name: 'sms',
      github: { org: 'sms', members: 30, membersWithout2fa: 2, membersWithInsecure2fa: 4, outsideCollaborators: 6 },
    },
    { name: 'saml', github: { org: 'saml', members: 5, samlSso: true, tokenState: 'sso_unauthorized' } },
    { name: 'emu', github: { org: 'emu', plan: 'enterprise', members: 8, managedUsers: { shortcode: 'emu' } } },
    { name: 'scoped', github: { org: 'scoped', members: 5, tokenScopes: ['read:org'] } },
    { name: 'app', github: { org: 'app', members: 12, credential: 'app' } },
  ],
});
const gh = (i: number) => world.tenants[i]!.github!;
const [sms, saml, emu, scoped, app] = [gh(0), gh(1), gh(2), gh(3), gh(4)];

type AppSecret = { appId: number; privateKey: string };

let now = Date.now();
let sim: GithubSimulator;
beforeAll(async () => {
  sim = await startGithubSimulator(world, { now: () => now });
});
afterAll(() => sim.close());

const errorOf = async (call: Promise<unknown>) => {
  const error = (await call.then(
    () => undefined,
    (e: unknown) => e,
  )) as { status: number; response: { data: unknown; headers: Record<string, string> } };
  expect(schemaErrors('error', error.response.data)).toEqual([]);
  return error;
};

describe('insecure 2FA (SMS)', () => {
  it('lists the SMS members under filter=2fa_insecure for an owner, valid against the schema', async () => {
    const { octokit } = octokitFor(sim.url, githubToken(sms));
    const { data } = await octokit.rest.orgs.listMembers({ org: 'sms', filter: '2fa_insecure', per_page: 100 });
    expect(schemaErrors('members', data)).toEqual([]);
    const truth = toArray(githubOrg(sms, world.seed).members).filter((u) => u.twoFactor === 'insecure');
    expect(data.map((u) => u.login)).toEqual(truth.map((u) => u.login));
    expect(data).toHaveLength(4);
  });

  it('refuses the filter to a plain member with 422', async () => {
    const { octokit } = octokitFor(sim.url, githubTokens(sms).member);
    const e = await errorOf(octokit.rest.orgs.listMembers({ org: 'sms', filter: '2fa_insecure' }));
    expect(e.status).toBe(422);
  });
});

describe('refusals that mean the org was never read', () => {
  it('answers 403 with X-GitHub-SSO to a token not authorized for the org’s SAML SSO, but still says whose it is', async () => {
    const { octokit } = octokitFor(sim.url, githubToken(saml));
    const e = await errorOf(octokit.rest.orgs.get({ org: 'saml' }));
    expect(e.status).toBe(403);
    expect(e.response.headers['x-github-sso']).toMatch(/^required; url=https:\/\/github\.com\/orgs\/saml\/sso\?/);
    expect((await octokit.rest.users.getAuthenticated()).data.login).toBe('saml-owner-1');
  });

  it('answers 401 Bad credentials to a revoked token and 404 to a misspelled org', async () => {
    const revoked = octokitFor(sim.url, githubToken({ ...sms, tokenState: 'revoked' })).octokit;
    expect((await errorOf(revoked.rest.orgs.get({ org: 'sms' }))).status).toBe(401);
    const typo = octokitFor(sim.url, githubToken(sms)).octokit;
    expect((await errorOf(typo.rest.orgs.get({ org: 'smss' }))).status).toBe(404);
    expect((await errorOf(typo.rest.orgs.listMembers({ org: 'smss' }))).status).toBe(404);
  });
});

describe('classic token scopes', () => {
  it('sends X-OAuth-Scopes, and hides the 2FA requirement from an owner token without admin:org', async () => {
    const full = await octokitFor(sim.url, githubToken(sms)).octokit.rest.orgs.get({ org: 'sms' });
    expect(full.headers['x-oauth-scopes']).toBe('admin:enterprise, admin:org, read:audit_log, repo');
    const narrow = await octokitFor(sim.url, githubToken(scoped)).octokit.rest.orgs.get({ org: 'scoped' });
    expect(narrow.headers['x-oauth-scopes']).toBe('read:org');
    expect(narrow.data.two_factor_requirement_enabled).toBeNull();
    expect(schemaErrors('org', narrow.data)).toEqual([]);
  });
});

describe('Enterprise Managed Users', () => {
  it('serves managed logins, a requirement that is off and every member under 2fa_disabled', async () => {
    const { octokit } = octokitFor(sim.url, githubToken(emu));
    const org = await octokit.rest.orgs.get({ org: 'emu' });
    expect(org.data.two_factor_requirement_enabled).toBe(false);
    expect(schemaErrors('orgGhec', org.data)).toEqual([]);
    const all = await octokit.rest.orgs.listMembers({ org: 'emu', per_page: 100 });
    const off = await octokit.rest.orgs.listMembers({ org: 'emu', filter: '2fa_disabled', per_page: 100 });
    expect(all.data.every((u) => u.login.endsWith('_emu'))).toBe(true);
    expect(off.data.map((u) => u.login)).toEqual(all.data.map((u) => u.login));
  });
});

describe('GitHub App installation tokens', () => {
  const appOctokit = (secret = githubConnectionSecret(app, sim)) =>
    new Octokit({
      baseUrl: sim.url,
      authStrategy: createAppAuth,
      auth: secret,
      log: { debug() {}, info() {}, warn() {}, error() {} },
    });

  it('issues an hour-long installation token for a JWT signed with the App key, valid against the schema', async () => {
    const auth = createAppAuth(githubConnectionSecret(app, sim) as AppSecret);
    const jwt = await auth({ type: 'app' });
    const res = await fetch(`${sim.url}/app/installations/${sim.app.installationId('app')}/access_tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${jwt.token}`, accept: 'application/vnd.github+json' },
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { expires_at: string; token: string };
    expect(schemaErrors('accessToken', body)).toEqual([]);
    expect(body.token).toMatch(/^ghs_/);
    expect(Date.parse(body.expires_at) - now).toBe(3_600_000);
  });

  it('lets Octokit with @octokit/auth-app read the org as an owner would, without X-OAuth-Scopes', async () => {
    const octokit = appOctokit();
    const org = await octokit.rest.orgs.get({ org: 'app' });
    expect(org.data.two_factor_requirement_enabled).toBe(true);
    expect(org.headers['x-oauth-scopes']).toBeUndefined();
    const members = await octokit.rest.orgs.listMembers({ org: 'app', filter: '2fa_disabled' });
    expect(members.data).toEqual([]);
    // The installation token is for its own org only.
    expect((await errorOf(octokit.rest.orgs.get({ org: 'sms' }))).status).toBe(404);
  });

  it('refuses a JWT signed with another key, an unknown installation and an expired installation token', async () => {
    const other = await startGithubSimulator(world);
    try {
      const forged = { ...githubConnectionSecret(app, sim), privateKey: other.app.privateKey };
      expect((await errorOf(appOctokit(forged).rest.orgs.get({ org: 'app' }))).status).toBe(401);
    } finally {
      await other.close();
    }
    const missing = { ...githubConnectionSecret(app, sim), installationId: 1 };
    expect((await errorOf(appOctokit(missing).rest.orgs.get({ org: 'app' }))).status).toBe(404);

    const request = new Octokit({ baseUrl: sim.url }).request;
    const auth = createAppAuth({ ...(githubConnectionSecret(app, sim) as AppSecret), request });
    const { token } = await auth({ type: 'installation', installationId: sim.app.installationId('app') });
    now += 3_600_000;
    try {
      const stale = octokitFor(sim.url, token).octokit;
      const e = await errorOf(stale.rest.orgs.get({ org: 'app' }));
      expect(e.status).toBe(401);
    } finally {
      now -= 3_600_000;
    }
  });
});
