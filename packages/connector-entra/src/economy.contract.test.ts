import { scenario } from '@evident/simulators';
import { afterEach, describe, expect, it } from 'vitest';
import { ROLES_PER_QUERY } from './collect/membership.ts';
import { collect, NOW, requests, scenarioOf, startWorld, type World } from './contract.fixture.ts';
import { PRIVILEGED_ROLES } from './roles.ts';

const MEMBERS = '/v1.0/groups/{id}/transitiveMembers';
const REPORT = '/v1.0/reports/authenticationMethods/userRegistrationDetails';

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

/** One tenant of `users` enabled members and nothing else of note. */
const plain = (licence: 'free' | 'p1', users: number) =>
  scenario.parse({
    name: `plain-${licence}`,
    now: NOW,
    tenants: [
      { name: 'plain', entra: { tenantId: 'plain', domain: 'plain.example', licence, users, conditionalAccess: [] } },
    ],
  });

describe('group members are read only for the groups policies name and the groups that hold roles', () => {
  it.each(['ca-edge-cases', 'healthy', 'free-no-defaults'] as const)('%s', async (name) => {
    w = await startWorld(scenarioOf(name));
    const run = await collect(w);
    expect(run.gaps.filter((g) => g.code !== 'licence_required')).toEqual([]);
    const policies = w.dir.world.licence === 'free' ? [] : w.dir.conditionalAccessPolicies;
    const named = new Set(
      policies.flatMap((p) => [...p.conditions.users.includeGroups, ...p.conditions.users.excludeGroups]),
    );
    const holding = new Set(
      w.dir.roleAssignments.flatMap((a) => (a.principal.type === 'group' ? [a.principal.group.id] : [])),
    );
    expect(requests(w, MEMBERS)).toBe(named.size + holding.size);
    expect(requests(w, '/v1.0/groups/{id}')).toBe(0);
    // Nested departments that "All staff" reaches are not read on their own.
    if (name === 'ca-edge-cases') expect(named.size + holding.size).toBeLessThan(w.dir.groups.length);
  });
});

describe('collections are read at the largest page the service allows', () => {
  it('the registration report: 999 a page', async () => {
    w = await startWorld(plain('p1', 2_500));
    const run = await collect(w);
    expect(run.identities).toHaveLength(2_500);
    expect(requests(w, REPORT)).toBe(3);
    // Beside it, `/users` once, for the attributes that tell guests and external users apart.
    expect(requests(w, '/v1.0/users')).toBe(3);
  });

  it('/users on a Free tenant: 999 a page', async () => {
    w = await startWorld(plain('free', 2_500));
    const run = await collect(w);
    expect(run.identities).toHaveLength(2_500);
    expect(requests(w, '/v1.0/users')).toBe(3);
  });

  it("role assignments: one read per fifteen roles (Graph's cap on an 'in' filter), principals expanded in it", async () => {
    w = await startWorld(scenarioOf('healthy'));
    await collect(w);
    const roles = Object.keys(PRIVILEGED_ROLES).length;
    expect(requests(w, '/v1.0/roleManagement/directory/roleAssignments')).toBe(Math.ceil(roles / ROLES_PER_QUERY));
  });
});
