import { createPrivateKey, createSign } from 'node:crypto';
import { createAppAuth } from '@octokit/auth-app';
import { Octokit } from '@octokit/rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scenario } from '../scenario/schema.ts';
import { schemaErrors } from './openapi.fixture.ts';
import { type GithubSimulator, startGithubSimulator } from './server.ts';

const world = scenario.parse({
  seed: 5,
  tenants: [
    { name: 'harbor', github: { org: 'harbor', members: 4 } },
    { name: 'quay', github: { org: 'quay', members: 4, appInstallation: 'suspended' } },
    { name: 'pier', github: { org: 'pier', members: 4, appPermissions: { members: 'read' } } },
    { name: 'dock', github: { org: 'dock', members: 4, appInstallation: 'none' } },
  ],
  githubAppUserInstallations: ['octo-person'],
});

const now = Date.now();
let sim: GithubSimulator;
beforeAll(async () => {
  sim = await startGithubSimulator(world, { now: () => now });
});
afterAll(() => sim.close());

const silent = { debug() {}, info() {}, warn() {}, error() {} };
const asApp = (privateKey = sim.app.privateKey, appId = sim.app.id) =>
  new Octokit({ baseUrl: sim.url, authStrategy: createAppAuth, auth: { appId, privateKey }, log: silent });

/** A JWT signed with the App's key, with the claims given (as a client with a skewed clock would send them). */
function jwt(claims: Record<string, unknown>): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const head = `${part({ alg: 'RS256', typ: 'JWT' })}.${part(claims)}`;
  const signature = createSign('RSA-SHA256').update(head).sign(createPrivateKey(sim.app.privateKey));
  return `${head}.${signature.toString('base64url')}`;
}

const get = (path: string, token: string) =>
  fetch(`${sim.url}${path}`, { headers: { authorization: `Bearer ${token}`, accept: 'application/vnd.github+json' } });

describe('GET /app/installations', () => {
  // The spec inlines this list's `account` as `allOf` simple-user and enterprise, which no account satisfies; its
  // `installation` component (which GET /app/installations/{id} returns) says `anyOf`, so each item is checked by it.
  it('lists every installation of the App, paged, each valid against GitHub’s schema', async () => {
    const octokit = asApp();
    const pages: unknown[][] = [];
    for await (const page of octokit.paginate.iterator(octokit.rest.apps.listInstallations, { per_page: 2 })) {
      for (const item of page.data) expect(schemaErrors('installation', item)).toEqual([]);
      pages.push(page.data);
    }
    expect(pages.map((p) => p.length)).toEqual([2, 2]);
    const all = pages.flat() as { id: number; account: { login: string }; target_type: string; app_id: number }[];
    expect(all.map((i) => i.id)).toEqual([...all.map((i) => i.id)].sort((a, b) => a - b));
    expect(all.map((i) => `${i.account.login}:${i.target_type}`).sort()).toEqual([
      'harbor:Organization',
      'octo-person:User',
      'pier:Organization',
      'quay:Organization',
    ]);
    expect(new Set(all.map((i) => i.app_id))).toEqual(new Set([sim.app.id]));
  });

  it('shows who suspended an installation and when, and each installation’s permissions', async () => {
    const { data: quay } = await asApp().rest.apps.getInstallation({ installation_id: sim.app.installationId('quay') });
    expect(schemaErrors('installation', quay)).toEqual([]);
    expect(quay.suspended_at).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(quay.suspended_by?.login).toBe('quay-owner-1');
    const { data: pier } = await asApp().rest.apps.getInstallation({ installation_id: sim.app.installationId('pier') });
    expect(pier.suspended_at).toBeNull();
    expect(pier.permissions).toEqual({ members: 'read' });
    expect(schemaErrors('installation', pier)).toEqual([]);
  });

  it('answers 404 for an installation the App does not have', async () => {
    const missing = asApp().rest.apps.getInstallation({ installation_id: sim.app.installationId('dock') });
    await expect(missing).rejects.toMatchObject({ status: 404 });
  });

  it('refuses a suspended installation a token with 403, in GitHub’s words', async () => {
    const auth = createAppAuth({ appId: sim.app.id, privateKey: sim.app.privateKey, request: asApp().request });
    const suspended = auth({ type: 'installation', installationId: sim.app.installationId('quay') });
    await expect(suspended).rejects.toMatchObject({ status: 403, message: /This installation has been suspended/ });
    const active = await auth({ type: 'installation', installationId: sim.app.installationId('harbor') });
    expect(active.token).toMatch(/^ghs_/);
  });
});

describe('the App JWT, checked as GitHub checks it', () => {
  const seconds = () => Math.floor(now / 1000);

  it('refuses a JWT signed with another key, another App id, a JWT living over ten minutes and an expired one', async () => {
    const other = await startGithubSimulator(world);
    try {
      await expect(asApp(other.app.privateKey).rest.apps.listInstallations()).rejects.toMatchObject({ status: 401 });
    } finally {
      await other.close();
    }
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ iss: sim.app.id + 1, iat: seconds() - 30, exp: seconds() + 500 }, /could not be decoded/],
      [{ iss: sim.app.id, iat: seconds() - 30, exp: seconds() + 660 }, /too far in the future/],
      [{ iss: sim.app.id, iat: seconds() - 700, exp: seconds() - 100 }, /'Expiration time' claim/],
    ];
    for (const [claims, message] of cases) {
      const res = await get('/app/installations', jwt(claims));
      expect(res.status).toBe(401);
      const body = (await res.json()) as { message: string };
      expect(schemaErrors('error', body)).toEqual([]);
      expect(body.message).toMatch(message);
    }
    const fine = await get('/app/installations', jwt({ iss: sim.app.id, iat: seconds() - 30, exp: seconds() + 540 }));
    expect(fine.status).toBe(200);
  });

  it('refuses an installation token on the App’s own endpoints', async () => {
    const auth = createAppAuth({ appId: sim.app.id, privateKey: sim.app.privateKey, request: asApp().request });
    const { token } = await auth({ type: 'installation', installationId: sim.app.installationId('harbor') });
    expect((await get('/app/installations', token)).status).toBe(401);
  });
});
