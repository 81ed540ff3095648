import { evaluate } from '@evident/controls';
import type { ScenarioInput } from '@evident/simulators';
import { afterEach, describe, expect, it } from 'vitest';
import { collectAll, NOW, type Run, type Simulation, simulate } from './sim.fixture.ts';

let s: Simulation | undefined;
afterEach(async () => {
  await s?.sim.close();
  s = undefined;
});

type Owner = { login: string; organizationRole: 'OWNER' | 'DIRECT_MEMBER' | 'UNAFFILIATED' };
const world = (owners: Owner[], over: Record<string, unknown> = {}): ScenarioInput => ({
  tenants: [
    {
      name: 'ent',
      github: {
        org: 'ent',
        plan: 'enterprise',
        members: 6,
        owners: 1,
        twoFactorRequired: false,
        enterpriseOwners: owners,
        ...over,
      },
    },
  ],
});

const mfa02 = async (run: Run) => {
  const [result] = await evaluate(run.facts, { now: NOW, controls: ['MFA-02'] });
  return result!;
};
const privilegeGaps = (run: Run) => run.gaps.filter((g) => g.covers.includes('identity.privileged'));

describe('owners of the organization’s enterprise, read through GraphQL', () => {
  it('marks an enterprise owner who is a plain member privileged, so MFA-02 fails without 2FA enforced', async () => {
    s = await simulate(world([{ login: 'ent-dev-2', organizationRole: 'DIRECT_MEMBER' }], { twoFactorRequired: true }));
    const enforced = await collectAll(s);
    expect(enforced.identities.find((i) => i.name === 'ent-dev-2')).toMatchObject({
      privileged: true,
      roles: ['member', 'enterprise owner'],
      mfaEnforced: true,
    });
    await s.sim.close();
    s = await simulate(world([{ login: 'ent-dev-2', organizationRole: 'DIRECT_MEMBER' }], { owners: 0 }));
    const run = await collectAll(s);
    const owner = run.identities.find((i) => i.name === 'ent-dev-2');
    expect(owner).toMatchObject({ privileged: true, roles: ['member', 'enterprise owner'], mfaEnforced: false });
    expect(run.identities.filter((i) => i.privileged === true)).toHaveLength(1);
    expect(privilegeGaps(run)).toEqual([]);
    const result = await mfa02(run);
    expect(result.status).toBe('fail');
    expect(result.failing.map((f) => f.subject)).toEqual([owner!.subject]);
  });

  it('adds an enterprise owner outside the organization as a privileged human whose 2FA is unknown', async () => {
    s = await simulate(
      world(
        [
          { login: 'ent-owner-1', organizationRole: 'OWNER' },
          { login: 'Far-Away', organizationRole: 'UNAFFILIATED' },
        ],
        {
          twoFactorRequired: true,
        },
      ),
    );
    const run = await collectAll(s);
    const outside = run.identities.filter((i) => i.roles.includes('enterprise owner'));
    expect(outside.map((i) => i.name)).toEqual(['ent-owner-1', 'Far-Away']);
    expect(outside[1]).toMatchObject({
      kind: 'human',
      external: true,
      privileged: true,
      roles: ['enterprise owner'],
      mfaEnforced: 'unknown',
      enforcementDetail:
        "an enterprise owner outside the organization: the enterprise's own 2FA requirement is not readable here",
    });
    expect(run.identities.filter((i) => i.name === 'ent-owner-1')).toHaveLength(1);
    const result = await mfa02(run);
    expect(result.status).toBe('unknown');
    expect(result.failing).toEqual([
      expect.objectContaining({ subject: outside[1]!.subject, why: expect.stringMatching(/enterprise owner outside/) }),
    ]);
  });

  it('describes an enterprise owner who is an outside collaborator once, privileged', async () => {
    s = await simulate(world([{ login: 'ent-ext-1', organizationRole: 'UNAFFILIATED' }], { outsideCollaborators: 2 }));
    const run = await collectAll(s);
    const found = run.identities.filter((i) => i.name === 'ent-ext-1');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ privileged: true, roles: ['outside_collaborator', 'enterprise owner'] });
  });

  it('fails closed when GitHub refuses the read: a gap naming read:org, members’ privilege unknown', async () => {
    s = await simulate(world([{ login: 'ent-dev-2', organizationRole: 'DIRECT_MEMBER' }], { tokenScopes: ['repo'] }));
    const run = await collectAll(s);
    const gap = privilegeGaps(run).find((g) => g.source.includes('enterpriseOwners'));
    expect(gap).toMatchObject({ code: 'permission_missing', permission: 'read:org' });
    expect(gap!.message).toMatch(/owners of the organization's enterprise/);
    const members = run.identities.filter((i) => !i.roles.includes('owner'));
    expect(members.length).toBeGreaterThan(0);
    for (const i of members) expect(i.privileged).toBe('unknown');
    expect((await mfa02(run)).status).toBe('unknown');
  });

  it('fails closed for an App without the members permission on GraphQL: FORBIDDEN names members:read', async () => {
    const appPermissions = { administration: 'read', organization_custom_org_roles: 'read' };
    s = await simulate(world([], { credential: 'app', appPermissions }));
    const run = await collectAll(s);
    const gap = privilegeGaps(run).find((g) => g.source.includes('enterpriseOwners'));
    expect(gap).toMatchObject({ code: 'permission_missing', permission: 'members:read' });
  });

  it('changes nothing for an org outside any enterprise: an empty connection, no gap', async () => {
    s = await simulate(world([{ login: 'ent-dev-2', organizationRole: 'DIRECT_MEMBER' }], { plan: 'team' }));
    const run = await collectAll(s);
    expect(run.identities.filter((i) => i.privileged === true).map((i) => i.name)).toEqual(['ent-owner-1']);
    expect(run.identities.some((i) => i.roles.includes('enterprise owner'))).toBe(false);
    expect(privilegeGaps(run)).toEqual([]);
  });
});
