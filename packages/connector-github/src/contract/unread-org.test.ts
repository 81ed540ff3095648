import { preset } from '@evident/simulators';
import { afterEach, describe, expect, it } from 'vitest';
import { createGithubConnector } from '../connector.ts';
import { collectAll, FAST, gapLines, type Simulation, simulate } from './sim.fixture.ts';

let s: Simulation | undefined;
afterEach(async () => {
  await s?.sim.close();
  s = undefined;
});

const requests = (sim: Simulation) =>
  Object.fromEntries(sim.sim.accounting.snapshot().requests.map((r) => [r.endpoint, r.requests]));

describe('an org GitHub never showed yields no fact, only the gap naming why', () => {
  it.each([
    [
      'github-misspelled-org',
      'permission_missing',
      /misspelled/,
      /Check the org login in the connection against https:\/\/github\.com\/lucerne-pub/,
    ],
    ['github-revoked-token', 'auth_failed', /401: Bad credentials/, /revoked, has expired or was mistyped/],
    [
      'github-sso-unauthorized',
      'permission_missing',
      /not authorized for the org’s SAML SSO/,
      /Authorize the token for SSO at https:\/\/github\.com\/orgs\/trey\/sso\?authorization_request=/,
    ],
  ] as const)('%s: %s', async (name, code, message, remedy) => {
    s = await simulate(preset(name));
    const run = await collectAll(s, { enterprise: s.world.org });
    // The audit log and its retention are GitHub's whatever the org: still, nothing is said of an org never read.
    expect(run.facts.filter((f) => f.type !== 'gap')).toEqual([]);
    expect(gapLines(run)).toEqual([`${code} setting,identity,logSource`]);
    expect(run.gaps[0]?.message).toMatch(message);
    expect(run.gaps[0]?.remedy).toMatch(remedy);
    expect(requests(s)).toEqual({ 'GET /orgs/{org}': 1 });
  });

  it('check names the same causes', async () => {
    s = await simulate(preset('github-sso-unauthorized'));
    const sso = await createGithubConnector(FAST).check(s.context().ctx);
    expect(sso.ok).toBe(false);
    expect(sso.items.find((i) => i.name === 'read:org')?.message).toMatch(/SAML SSO/);
    await s.sim.close();

    s = await simulate(preset('github-revoked-token'));
    const revoked = await createGithubConnector(FAST).check(s.context().ctx);
    expect(revoked.items[0]).toMatchObject({ name: 'token', status: 'missing' });
    expect(revoked.items[0]?.message).toMatch(/401/);
  });
});
