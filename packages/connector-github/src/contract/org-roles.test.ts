import type { ScenarioInput } from '@evident/simulators';
import { afterEach, describe, expect, it } from 'vitest';
import { collectAll, groundTruth, type Simulation, simulate } from './sim.fixture.ts';

let s: Simulation | undefined;
afterEach(async () => {
  await s?.sim.close();
  s = undefined;
});

const ROLES: { name: string; baseRole?: 'admin' | 'read'; permissions?: string[]; members: number[]; team?: string }[] =
  [
    { name: 'org-settings', permissions: ['read_audit_logs', 'write_organization_custom_org_role'], members: [3] },
    { name: 'all-repos-admin', baseRole: 'admin', members: [4], team: 'platform' },
    { name: 'auditors', permissions: ['read_audit_logs'], members: [5] },
    { name: 'readers', baseRole: 'read', members: [6] },
  ];

const world = (over: Record<string, unknown> = {}): ScenarioInput => ({
  tenants: [{ name: 'roles', github: { org: 'roles', members: 10, owners: 2, organizationRoles: ROLES, ...over } }],
});

describe('members of organization roles that administer are privileged', () => {
  it('marks the holders of an administering role privileged, naming the role; read-only roles stay members', async () => {
    s = await simulate(world());
    const run = await collectAll(s);
    const truth = groundTruth(s);
    const byLogin = new Map(run.identities.map((i) => [i.name, i]));
    const m = (i: number) => byLogin.get(truth.members[i]!.login);
    expect(m(0)).toMatchObject({ privileged: true, roles: ['owner'] });
    expect(m(3)).toMatchObject({ privileged: true, roles: ['member', 'org-settings'] });
    expect(m(4)).toMatchObject({ privileged: true, roles: ['member', 'all-repos-admin'] });
    expect(m(5)).toMatchObject({ privileged: false, roles: ['member'] });
    expect(m(6)).toMatchObject({ privileged: false, roles: ['member'] });
    expect(run.identities.filter((i) => i.privileged === true)).toHaveLength(4);
    expect(run.gaps.filter((g) => g.covers.includes('identity.privileged'))).toEqual([]);
  });

  it('leaves every non-owner member’s privilege unknown, never false, when the roles cannot be read', async () => {
    s = await simulate(world({ credential: 'app', appPermissions: { members: 'read', administration: 'read' } }));
    const run = await collectAll(s);
    const members = run.identities.filter((i) => i.kind !== 'guest');
    const owners = members.filter((i) => i.roles.includes('owner'));
    expect(owners).toHaveLength(2);
    for (const i of owners) expect(i.privileged).toBe(true);
    for (const i of members.filter((i) => !i.roles.includes('owner'))) expect(i.privileged).toBe('unknown');
    const gap = run.gaps.find((g) => g.covers.includes('identity.privileged'));
    expect(gap).toMatchObject({ code: 'permission_missing', permission: 'organization_custom_org_roles:read' });
  });
});
