import type { CheckItem } from '@evident/connector-kit';
import { githubConnectionSecret } from '@evident/simulators/github';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RENEW_BEFORE_MS, renewingCache } from '../app-auth.ts';
import { githubSecret } from '../config.ts';
import { createGithubConnector } from '../connector.ts';
import { collectAll, FAST, type Simulation, simulate } from './sim.fixture.ts';

let s: Simulation | undefined;
afterEach(async () => {
  vi.useRealTimers();
  await s?.sim.close();
  s = undefined;
});

const github = (over: Record<string, unknown> = {}) => ({
  org: 'harbor',
  plan: 'enterprise' as const,
  members: 150,
  membersWithout2fa: 3,
  membersWithInsecure2fa: 2,
  outsideCollaborators: 5,
  credential: 'app' as const,
  ...over,
});
const world = (over: Record<string, unknown> = {}) => ({ tenants: [{ name: 'harbor', github: github(over) }] });

async function check(sim: Simulation, secret?: Parameters<Simulation['context']>[1]) {
  const result = await createGithubConnector(FAST).check(sim.context({}, secret).ctx);
  return { ok: result.ok, byName: new Map<string, CheckItem>(result.items.map((i) => [i.name, i])) };
}

describe('GitHub App installation auth', () => {
  it('parses the App secret beside a stored classic { token }, and refuses a key that is not PEM', () => {
    expect(githubSecret.parse({ token: 'ghp_x' })).toEqual({ kind: 'token', token: 'ghp_x' });
    const app = { kind: 'app', appId: '12', installationId: 34, privateKey: '-----BEGIN PRIVATE KEY-----\n…' };
    expect(githubSecret.parse(app)).toMatchObject({ kind: 'app', appId: 12, installationId: 34 });
    expect(githubSecret.safeParse({ ...app, privateKey: 'hunter2' }).success).toBe(false);
  });

  it('collects through an installation token the same facts a classic owner token does', async () => {
    s = await simulate(world());
    const viaApp = await collectAll(s);
    const classic = await collectAll(s, {}, FAST, 'ghp_harbor_owner');
    expect(viaApp.identities).toEqual(classic.identities);
    expect(viaApp.setting).toEqual(classic.setting);
    expect(viaApp.logs).toEqual(classic.logs);
    expect(s.sim.app.tokensIssued()).toBe(1);
  });

  it('renews the installation token before it expires, mid-collection', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    // Its own org, hence its own throttle group: the SDK's limiter must not carry the jumped clock to other tests.
    s = await simulate(world({ org: 'tidewater' }), {
      sim: { now: () => Date.now() },
      // After the first page the clock jumps 56 minutes: the hour-long token has 4 minutes left.
      onProgress: (p) => {
        if (p.pages === 1) vi.setSystemTime(Date.now() + 56 * 60_000);
      },
    });
    const run = await collectAll(s);
    expect(run.identities).toHaveLength(155);
    expect(run.gaps.filter((g) => g.code === 'auth_failed')).toEqual([]);
    expect(s.sim.app.tokensIssued()).toBe(2);
  });

  it('keeps a token while more than the margin is left, and drops it within the margin', () => {
    let now = 0;
    const cache = renewingCache(() => now);
    const expires = new Date(60 * 60_000).toISOString();
    cache.set('1', `ghs_a|${new Date(0).toISOString()}|${expires}|all|members`);
    now = 60 * 60_000 - RENEW_BEFORE_MS - 1;
    expect(cache.get('1')).toMatch(/^ghs_a\|/);
    now += 1;
    expect(cache.get('1')).toBeUndefined();
    expect(cache.get('other')).toBeUndefined();
  });

  it('check: the installation token, its expiry and the permissions it carries', async () => {
    s = await simulate(world());
    const r = await check(s);
    expect(r.ok).toBe(true);
    expect(r.byName.get('token')?.message).toMatch(/obtained a token of installation \d+, valid until/);
    expect(r.byName.get('members:read')?.status).toBe('granted');
    expect(r.byName.get('administration:read')?.status).toBe('granted');
    expect(r.byName.has('read:org')).toBe(false);
  });

  it('check: names the permission the installation lacks', async () => {
    s = await simulate(world({ appPermissions: { members: 'read' } }));
    const r = await check(s);
    expect(r.byName.get('administration:read')).toMatchObject({ status: 'missing' });
    expect(r.byName.get('administration:read')?.message).toMatch(/2FA requirement/);
  });

  it('check: a wrong installation id and a key of another App are credential failures, named as such', async () => {
    s = await simulate(world());
    const secret = githubConnectionSecret(s.world, s.sim) as { appId: number; privateKey: string };
    const wrongInstallation = await check(s, githubSecret.parse({ ...secret, installationId: 1 }));
    expect(wrongInstallation.ok).toBe(false);
    expect(wrongInstallation.byName.get('token')).toMatchObject({ status: 'missing' });
    expect(wrongInstallation.byName.get('token')?.message).toMatch(/no installation 1 of this App/);

    const other = await simulate(world());
    try {
      const forged = githubSecret.parse({ ...secret, privateKey: other.sim.app.privateKey });
      const r = await check(s, forged);
      expect(r.byName.get('token')?.message).toMatch(/refused the App's signed JWT/);
      const run = await collectAll(s, {}, FAST, forged);
      expect(run.facts.filter((f) => f.type !== 'gap')).toEqual([]);
      expect(run.gaps.map((g) => g.code)).toEqual(['auth_failed']);
    } finally {
      await other.sim.close();
    }
  });
});

describe('classic token scopes (X-OAuth-Scopes)', () => {
  it.each([
    [['read:org'], { 'read:org': 'granted', 'admin:org': 'missing', 'read:audit_log': 'missing' }],
    [['repo'], { 'read:org': 'missing', 'admin:org': 'missing' }],
    [['admin:org', 'read:audit_log'], { 'read:org': 'granted', 'admin:org': 'granted', 'read:audit_log': 'granted' }],
  ])('scopes %j', async (scopes, expected) => {
    s = await simulate(world({ credential: 'classic', tokenScopes: scopes }));
    const r = await check(s);
    expect(Object.fromEntries([...r.byName].filter(([n]) => n in expected).map(([n, i]) => [n, i.status]))).toEqual(
      expected,
    );
    if (!scopes.includes('admin:org')) {
      expect(r.byName.get('admin:org')?.message).toMatch(/lack admin:org.*two_factor_requirement_enabled/);
    }
  });
});
