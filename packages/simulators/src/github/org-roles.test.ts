import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scenario } from '../scenario/schema.ts';
import { octokitFor } from './octokit.fixture.ts';
import { schemaErrors } from './openapi.fixture.ts';
import { type GithubSimulator, startGithubSimulator } from './server.ts';
import { githubOrg, githubToken, githubTokens } from './world.ts';

const world = scenario.parse({
  seed: 4,
  tenants: [
    {
      name: 'roles',
      github: {
        org: 'roles',
        members: 12,
        organizationRoles: [
          { name: 'org-admins', permissions: ['write_organization_custom_org_role'], members: [3, 4] },
          { name: 'repo-admins', baseRole: 'admin', members: [5], team: 'platform' },
          { name: 'auditors', permissions: ['read_audit_logs'], members: [6] },
        ],
      },
    },
  ],
});
const gh = world.tenants[0]!.github!;
const truth = githubOrg(gh, world.seed);

let sim: GithubSimulator;
beforeAll(async () => {
  sim = await startGithubSimulator(world);
});
afterAll(() => sim.close());

describe('organization roles through @octokit/rest', () => {
  it('lists the predefined and custom roles, valid against the schema', async () => {
    const { octokit } = octokitFor(sim.url, githubToken(gh));
    const { data } = await octokit.rest.orgs.listOrgRoles({ org: 'roles' });
    expect(schemaErrors('orgRoles', data)).toEqual([]);
    expect(data.total_count).toBe(6);
    const custom = data.roles?.filter((r) => r.source === 'Organization');
    expect(custom?.map((r) => [r.name, r.base_role, r.permissions])).toEqual([
      ['org-admins', null, ['write_organization_custom_org_role']],
      ['repo-admins', 'admin', []],
      ['auditors', null, ['read_audit_logs']],
    ]);
    expect(data.roles?.find((r) => r.name === 'all_repo_admin')).toMatchObject({
      source: 'Predefined',
      organization: null,
    });
  });

  it('lists each role’s holders, those through a team with the team, and the teams it is assigned to', async () => {
    const { octokit } = octokitFor(sim.url, githubToken(gh));
    const [admins, repoAdmins] = truth.roles.filter((r) => r.source === 'Organization');
    const users = await octokit.paginate(octokit.rest.orgs.listOrgRoleUsers, {
      org: 'roles',
      role_id: admins!.id,
      per_page: 1,
    });
    expect(schemaErrors('orgRoleUsers', users)).toEqual([]);
    expect(users.map((u) => u.login)).toEqual([truth.member(3).login, truth.member(4).login]);
    const { data: viaTeam } = await octokit.rest.orgs.listOrgRoleUsers({ org: 'roles', role_id: repoAdmins!.id });
    expect(schemaErrors('orgRoleUsers', viaTeam)).toEqual([]);
    expect(viaTeam).toMatchObject([{ login: truth.member(5).login, assignment: 'indirect' }]);
    expect(viaTeam[0]?.inherited_from?.map((t) => t.slug)).toEqual(['platform']);
    const { data: teams } = await octokit.rest.orgs.listOrgRoleTeams({ org: 'roles', role_id: repoAdmins!.id });
    expect(schemaErrors('orgRoleTeams', teams)).toEqual([]);
    expect(teams.map((t) => t.slug)).toEqual(['platform']);
  });

  it('answers 404 to a plain member’s token, and for a role the org does not have', async () => {
    const { octokit: member } = octokitFor(sim.url, githubTokens(gh).member);
    await expect(member.rest.orgs.listOrgRoles({ org: 'roles' })).rejects.toMatchObject({ status: 404 });
    const { octokit } = octokitFor(sim.url, githubToken(gh));
    await expect(octokit.rest.orgs.listOrgRoleUsers({ org: 'roles', role_id: 1 })).rejects.toMatchObject({
      status: 404,
    });
  });
});
