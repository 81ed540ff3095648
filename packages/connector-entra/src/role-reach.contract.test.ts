import { type CaPreset, type entraEdges, scenario } from '@evident/simulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { collect, NOW, type Run, requests, startWorld, type World } from './contract.fixture.ts';

const HELPDESK = '729827e3-9c14-49f7-bb1b-9608f156bbb8';

/** "Require MFA when activating a role": the authentication context PIM asks for, and the policy targeting it. */
const contextPolicy = {
  id: 'f1a1c0de-0000-4000-8000-00000000c1c1',
  displayName: 'Require MFA for authentication context c1',
  state: 'enabled',
  conditions: {
    clientAppTypes: ['all'],
    applications: {
      includeApplications: [],
      excludeApplications: [],
      includeUserActions: [],
      includeAuthenticationContextClassReferences: ['c1'],
    },
    users: {
      includeUsers: ['All'],
      excludeUsers: [],
      includeGroups: [],
      excludeGroups: [],
      includeRoles: [],
      excludeRoles: [],
    },
  },
  grantControls: { operator: 'OR', builtInControls: ['mfa'], customAuthenticationFactors: [], termsOfUse: [] },
};

/** Everyone but the Helpdesk Administrators: an exclusion by role. */
const allButHelpdesk = {
  ...contextPolicy,
  id: 'f1a1c0de-0000-4000-8000-00000000a11a',
  displayName: 'Require MFA for all users but helpdesk',
  conditions: {
    ...contextPolicy.conditions,
    applications: { ...contextPolicy.conditions.applications, includeApplications: ['All'] },
    users: { ...contextPolicy.conditions.users, excludeRoles: [HELPDESK] },
  },
};
allButHelpdesk.conditions.applications.includeAuthenticationContextClassReferences = [];

function world(edges: z.input<typeof entraEdges>, conditionalAccess: CaPreset[]) {
  return scenario.parse({
    name: 'role-reach',
    now: NOW,
    tenants: [
      {
        name: 'fabrikam',
        entra: {
          tenantId: 'fabrikam',
          licence: 'p2',
          users: 30,
          admins: { globalAdministrator: 1 },
          conditionalAccess,
          edges,
        },
      },
    ],
  });
}

describe('a policy targeting roles reaches only active, directory-wide holders', () => {
  let w: World;
  let run: Run;
  const scoped = [
    { user: 5, role: 'globalAdministrator', directoryScopeId: '/administrativeUnits/0b5e7c1d-au' },
    { user: 6, role: 'userAdministrator', directoryScopeId: '/3f1b2c4d-0000-4000-8000-000000000006' },
  ];
  const eligible = [
    { user: 8, role: 'privilegedRoleAdministrator', eligible: true },
    { user: 9, role: 'securityAdministrator', eligible: true },
    { user: 10, role: 'exchangeAdministrator', eligible: true },
  ];
  beforeAll(async () => {
    w = await startWorld(
      world(
        {
          roleAssignments: [...scoped, ...eligible],
          activation: [
            { role: 'privilegedRoleAdministrator', mfa: true },
            { role: 'securityAdministrator', authenticationContext: 'c1' },
          ],
          policies: [contextPolicy],
        },
        ['admins_only'],
      ),
    );
    run = await collect(w);
  });
  afterAll(() => w?.close());
  const identity = (i: number) => run.identities.find((f) => f.subject === w.dir.user(i).id)!;

  it('an active directory-wide holder is enforced by the role policy', () => {
    expect(identity(2)).toMatchObject({ privileged: true, mfaEnforced: true, enforcementReason: 'enforced_policy' });
  });

  it('a holder scoped to an administrative unit or one object is privileged but not reached', () => {
    for (const { user } of scoped) {
      const f = identity(user);
      expect(f, f.name).toMatchObject({ privileged: true, mfaEnforced: false });
      expect(f.enforcementReason).not.toMatch(/^enforced/);
      expect(f.activationMfa).toBeUndefined();
    }
  });

  it('an eligible holder is not reached; PIM gates activation by its own MFA rule or an authentication context', () => {
    for (const { user } of eligible)
      expect(identity(user)).toMatchObject({ privileged: true, eligible: true, mfaEnforced: false });
    expect(identity(8)).toMatchObject({ activationMfa: true });
    expect(identity(8).activationDetail).toMatch(/Privileged Role Administrator: PIM requires MFA on activation/);
    expect(identity(9)).toMatchObject({ activationMfa: true });
    expect(identity(9).activationDetail).toMatch(
      /authentication context c1, enforced by 'Require MFA for authentication context c1'/,
    );
    expect(identity(10)).toMatchObject({ activationMfa: false });
    expect(identity(10).activationDetail).toMatch(/PIM does not require MFA on activation/);
    expect(requests(w, '/v1.0/policies/roleManagementPolicies')).toBe(1);
    expect(requests(w, '/v1.0/policies/roleManagementPolicyAssignments')).toBe(1);
  });

  it("without PIM's policies (no RoleManagementPolicy.Read.Directory), activation is unknown and a gap names it", async () => {
    w.graph.faults.set(w.tenant, {
      revokePermission: { after: 0, permission: 'RoleManagementPolicy.Read.Directory,RoleManagement.Read.Directory' },
    });
    try {
      const closed = await collect(w);
      const gap = closed.gaps.find((g) => g.covers.includes('identity.activationMfa'))!;
      expect(gap).toMatchObject({ code: 'permission_missing', permission: 'RoleManagementPolicy.Read.Directory' });
      const f = closed.identities.find((i) => i.subject === w.dir.user(8).id)!;
      expect(f).toMatchObject({ activationMfa: 'unknown', mfaEnforced: false });
    } finally {
      w.graph.faults.set(w.tenant, {});
    }
  });
});

describe('an exclusion by role spares only directory-wide holders, and those who may activate it', () => {
  let w: World;
  let run: Run;
  beforeAll(async () => {
    w = await startWorld(
      world(
        {
          roleAssignments: [
            { user: 5, role: 'helpdeskAdministrator' },
            { user: 6, role: 'helpdeskAdministrator', directoryScopeId: '/administrativeUnits/0b5e7c1d-au' },
            { user: 7, role: 'helpdeskAdministrator', eligible: true },
          ],
          policies: [allButHelpdesk],
        },
        [],
      ),
    );
    run = await collect(w);
  });
  afterAll(() => w?.close());
  const identity = (i: number) => run.identities.find((f) => f.subject === w.dir.user(i).id)!;

  it('an active holder over the directory is excluded', () => {
    expect(identity(5)).toMatchObject({ mfaEnforced: false, enforcementReason: 'excluded' });
  });
  it('an eligible holder is excluded whenever the role is active, so counts as excluded', () => {
    expect(identity(7)).toMatchObject({ mfaEnforced: false, enforcementReason: 'excluded' });
  });
  it('a holder scoped to an administrative unit is not spared: the all-users policy reaches them', () => {
    expect(identity(6)).toMatchObject({ privileged: true, mfaEnforced: true, enforcementReason: 'enforced_policy' });
  });
  it('the policy fact lists the active and eligible directory-wide holders as excluded, not the scoped one', () => {
    const p = run.policies.find((f) => f.name === allButHelpdesk.displayName)!;
    expect(p.excluded).toEqual([w.dir.user(5).id, w.dir.user(7).id].sort());
  });
});
