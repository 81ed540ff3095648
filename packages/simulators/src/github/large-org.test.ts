import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Accounting } from '../accounting.ts';
import { scenario } from '../scenario/schema.ts';
import { octokitFor } from './octokit.fixture.ts';
import { schemaErrors } from './openapi.fixture.ts';
import { type GithubSimulator, startGithubSimulator } from './server.ts';
import { githubOrg } from './world.ts';

const world = scenario.parse({
  seed: 2,
  tenants: [
    { name: 'bigco', github: { org: 'bigco', members: 20_000, owners: 4, membersWithout2fa: 1_234 } },
    { name: 'giant', github: { org: 'giant', members: 50_000_000, owners: 10, membersWithout2fa: 2_000_000 } },
  ],
});

let sim: GithubSimulator;
const accounting = new Accounting();
beforeAll(async () => {
  sim = await startGithubSimulator(world, { accounting });
});
afterAll(() => sim.close());

describe('large orgs', () => {
  it('pages 20,000 members end to end and counts every request by tenant and endpoint', async () => {
    const { octokit } = octokitFor(sim.url, 'ghp_bigco_owner');
    let count = 0;
    let lastLogin = '';
    for await (const page of octokit.paginate.iterator(octokit.rest.orgs.listMembers, {
      org: 'bigco',
      per_page: 100,
    })) {
      if (count === 0 || page.data.length < 100) expect(schemaErrors('members', page.data)).toEqual([]);
      count += page.data.length;
      lastLogin = page.data.at(-1)?.login ?? lastLogin;
    }
    const gaps = await octokit.paginate(octokit.rest.orgs.listMembers, {
      org: 'bigco',
      filter: '2fa_disabled',
      per_page: 100,
    });
    expect([count, lastLogin, gaps.length]).toEqual([20_000, 'bigco-dev-19996', 1_234]);
    expect(accounting.total({ simulator: 'github', tenant: 'bigco', endpoint: 'GET /orgs/{org}/members' })).toBe(
      200 + 13,
    );
    expect(accounting.total({ tenant: 'giant' })).toBe(0);
  });

  it('serves the far end of a 50-million-member org without building the list before it', async () => {
    const { octokit } = octokitFor(sim.url, 'ghp_giant_owner');
    const started = performance.now();
    const last = await octokit.rest.orgs.listMembers({ org: 'giant', per_page: 100, page: 500_000 });
    const lastGap = await octokit.rest.orgs.listMembers({
      org: 'giant',
      filter: '2fa_disabled',
      per_page: 100,
      page: 20_000,
    });
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(last.data.at(-1)?.login).toBe('giant-dev-49999990');
    const truth = githubOrg(world.tenants[1]!.github!, world.seed).listMembers('2fa_disabled', 'all');
    expect(lastGap.data.at(-1)?.login).toBe(truth.at(truth.length - 1).login);
    expect(schemaErrors('members', last.data)).toEqual([]);
    expect(new URL(/<([^>]+)>; rel="first"/.exec(last.headers.link ?? '')![1]!).searchParams.get('page')).toBe('1');
  });
});
