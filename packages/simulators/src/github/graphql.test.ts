import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scenario } from '../scenario/schema.ts';
import { octokitFor } from './octokit.fixture.ts';
import { type GithubSimulator, startGithubSimulator } from './server.ts';
import { githubToken } from './world.ts';

const OWNERS = [
  { login: 'ent-dev-1', organizationRole: 'DIRECT_MEMBER' },
  { login: 'ent-owner-1', organizationRole: 'OWNER' },
  { login: 'someone-else', organizationRole: 'UNAFFILIATED' },
] as const;
const world = scenario.parse({
  tenants: [
    { name: 'ent', github: { org: 'ent', plan: 'enterprise', members: 6, enterpriseOwners: OWNERS } },
    { name: 'team', github: { org: 'team', members: 3, enterpriseOwners: OWNERS } },
    { name: 'scoped', github: { org: 'scoped', plan: 'enterprise', members: 3, tokenScopes: ['repo'] } },
  ],
});
const gh = (i: number) => world.tenants[i]!.github!;

const QUERY = `query($org: String!, $cursor: String) {
  organization(login: $org) {
    enterpriseOwners(first: 2, after: $cursor) {
      pageInfo { hasNextPage endCursor } totalCount nodes { login } edges { organizationRole }
    }
  }
}`;
interface Page {
  organization: {
    enterpriseOwners: {
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
      totalCount: number;
      nodes: { login: string }[];
      edges: { organizationRole: string }[];
    };
  };
}

let sim: GithubSimulator;
beforeAll(async () => {
  sim = await startGithubSimulator(world);
});
afterAll(() => sim.close());

describe('GraphQL enterpriseOwners through octokit.graphql', () => {
  it('pages the enterprise owners with their organization roles', async () => {
    const { octokit } = octokitFor(sim.url, githubToken(gh(0)));
    const first = await octokit.graphql<Page>(QUERY, { org: 'ent' });
    const c1 = first.organization.enterpriseOwners;
    expect(c1.totalCount).toBe(3);
    expect(c1.nodes.map((n) => n.login)).toEqual(['ent-dev-1', 'ent-owner-1']);
    expect(c1.pageInfo.hasNextPage).toBe(true);
    const second = await octokit.graphql<Page>(QUERY, { org: 'ent', cursor: c1.pageInfo.endCursor });
    const c2 = second.organization.enterpriseOwners;
    expect(c2.nodes.map((n) => n.login)).toEqual(['someone-else']);
    expect(c2.edges.map((e) => e.organizationRole)).toEqual(['UNAFFILIATED']);
    expect(c2.pageInfo.hasNextPage).toBe(false);
  });

  it('answers an empty connection for an org outside any enterprise', async () => {
    const { octokit } = octokitFor(sim.url, githubToken(gh(1)));
    const page = await octokit.graphql<Page>(QUERY, { org: 'team' });
    expect(page.organization.enterpriseOwners).toMatchObject({ totalCount: 0, nodes: [], edges: [] });
  });

  it('refuses a token without read:org with INSUFFICIENT_SCOPES, and another org with NOT_FOUND', async () => {
    const { octokit } = octokitFor(sim.url, githubToken(gh(2)));
    await expect(octokit.graphql(QUERY, { org: 'scoped' })).rejects.toMatchObject({
      name: 'GraphqlResponseError',
      errors: [expect.objectContaining({ type: 'INSUFFICIENT_SCOPES' })],
    });
    const other = octokitFor(sim.url, githubToken(gh(0))).octokit;
    await expect(other.graphql(QUERY, { org: 'team' })).rejects.toMatchObject({
      errors: [expect.objectContaining({ type: 'NOT_FOUND' })],
    });
  });

  it('refuses bad credentials with 401 and answers any other query with a GraphQL error, never data', async () => {
    const { octokit } = octokitFor(sim.url, 'ghp_nobody_owner');
    await expect(octokit.graphql(QUERY, { org: 'ent' })).rejects.toMatchObject({ status: 401 });
    const owner = octokitFor(sim.url, githubToken(gh(0))).octokit;
    await expect(owner.graphql('query { viewer { login } }')).rejects.toMatchObject({
      errors: [expect.objectContaining({ type: 'UNSUPPORTED' })],
    });
  });
});
