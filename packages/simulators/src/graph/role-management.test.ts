import type { Client } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scenario } from '../scenario/schema.ts';
import { type GraphSimulator, startGraphSimulator } from './server.ts';
import { BETA_ROLE_CSDL, CsdlSchema, ROLES_CSDL } from './testing/csdl-schema.ts';
import { fetchToken, graphClient } from './testing/graph-client.ts';
import { entraDirectory } from './world/directory.ts';
import { ROLE_TEMPLATE_IDS } from './world/roles.ts';

const CUSTOM = 'a7c1e2d3-0000-4000-8000-00000000c057';
const AU = '/administrativeUnits/0b5e7c1d-0000-4000-8000-000000000a01';
const sc = scenario.parse({
  name: 'role-shapes',
  tenants: [
    {
      name: 'fabrikam',
      entra: {
        tenantId: 'fabrikam',
        licence: 'p2',
        users: 20,
        edges: {
          customRoles: [{ id: CUSTOM, displayName: 'Tier 1 support', isPrivileged: true }],
          roleAssignments: [
            { user: 5, role: 'globalAdministrator', directoryScopeId: AU },
            { user: 6, role: CUSTOM },
            { user: 7, role: 'securityAdministrator', eligible: true },
          ],
          activation: [{ role: 'securityAdministrator', mfa: true, authenticationContext: 'c1' }],
        },
      },
    },
  ],
});
const dir = entraDirectory(sc.tenants[0]!.entra!, sc.seed, new Date());
const roles = CsdlSchema.loadWith(ROLES_CSDL);
const beta = CsdlSchema.loadWith(BETA_ROLE_CSDL);

let sim: GraphSimulator;
let c: Client;
beforeAll(async () => {
  sim = await startGraphSimulator(sc);
  c = graphClient(sim, await fetchToken(sim, 'fabrikam'));
});
afterAll(() => sim.close());

describe('role shapes on the wire, as Graph documents them', () => {
  it('role definitions: built-in and custom, each with isPrivileged (beta)', async () => {
    const body = await c.api('/roleManagement/directory/roleDefinitions').version('beta').get();
    expect(beta.validateCollection('unifiedRoleDefinition', body)).toEqual([]);
    const byId = new Map(body.value.map((d: { id: string }) => [d.id, d]));
    expect(byId.get(CUSTOM)).toMatchObject({ isBuiltIn: false, isPrivileged: true });
    expect(byId.get(ROLE_TEMPLATE_IDS.globalAdministrator)).toMatchObject({ isBuiltIn: true, isPrivileged: true });
    expect(byId.get(ROLE_TEMPLATE_IDS.globalReader)).toMatchObject({ isPrivileged: false });
  });

  it('assignments carry their scope: the directory, an administrative unit, a custom role', async () => {
    const body = await c.api('/roleManagement/directory/roleAssignments').get();
    expect(roles.validateCollection('unifiedRoleAssignment', body)).toEqual([]);
    const of = (i: number) => body.value.filter((a: { principalId: string }) => a.principalId === dir.user(i).id);
    expect(of(5)).toMatchObject([{ directoryScopeId: AU, roleDefinitionId: ROLE_TEMPLATE_IDS.globalAdministrator }]);
    expect(of(6)).toMatchObject([{ directoryScopeId: '/', roleDefinitionId: CUSTOM }]);
    expect(of(7)).toEqual([]);
  });

  it('eligibility instances carry their scope', async () => {
    const body = await c.api('/roleManagement/directory/roleEligibilityScheduleInstances').get();
    expect(roles.validateCollection('unifiedRoleEligibilityScheduleInstance', body)).toEqual([]);
    expect(body.value).toMatchObject([{ principalId: dir.user(7).id, directoryScopeId: '/' }]);
  });

  it("PIM's policies with their rules, and which role each governs; the directory-role filter is required", async () => {
    const filter = "scopeId eq '/' and scopeType eq 'DirectoryRole'";
    const policies = await c.api('/policies/roleManagementPolicies').filter(filter).expand('rules').get();
    expect(roles.validateCollection('unifiedRoleManagementPolicy', policies)).toEqual([]);
    const assignments = await c.api('/policies/roleManagementPolicyAssignments').filter(filter).get();
    expect(roles.validateCollection('unifiedRoleManagementPolicyAssignment', assignments)).toEqual([]);
    const governing = assignments.value.find(
      (a: { roleDefinitionId: string }) => a.roleDefinitionId === ROLE_TEMPLATE_IDS.securityAdministrator,
    );
    const policy = policies.value.find((p: { id: string }) => p.id === governing.policyId);
    expect(policy.rules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyEnablementRule',
          enabledRules: ['MultiFactorAuthentication', 'Justification'],
          target: expect.objectContaining({ caller: 'EndUser', level: 'Assignment' }),
        }),
        expect.objectContaining({
          '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyAuthenticationContextRule',
          isEnabled: true,
          claimValue: 'c1',
        }),
      ]),
    );
    await expect(c.api('/policies/roleManagementPolicies').get()).rejects.toMatchObject({ statusCode: 400 });
  });
});
