import { type entraEdges, scenario } from '@evident/simulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { ROLE_DEFINITIONS } from './collect/definitions.ts';
import { collect, NOW, type Run, requests, startWorld, type World } from './contract.fixture.ts';

const CUSTOM = 'a7c1e2d3-0000-4000-8000-00000000c057';
const HARMLESS = 'a7c1e2d3-0000-4000-8000-00000000beef';

const edges: z.input<typeof entraEdges> = {
  customRoles: [
    { id: CUSTOM, displayName: 'Tier 1 support', isPrivileged: true },
    { id: HARMLESS, displayName: 'Room booking', isPrivileged: false },
  ],
  roleAssignments: [
    { user: 5, role: CUSTOM },
    { user: 6, role: HARMLESS },
    { user: 7, role: CUSTOM, eligible: true },
  ],
};

const sc = scenario.parse({
  name: 'privileged-roles',
  now: NOW,
  tenants: [{ name: 'fabrikam', entra: { tenantId: 'fabrikam', licence: 'p2', users: 20, edges } }],
});

describe('privileged comes from the tenant: role definitions and isPrivileged', () => {
  let w: World;
  let run: Run;
  beforeAll(async () => {
    w = await startWorld(sc);
    run = await collect(w);
  });
  afterAll(() => w?.close());
  const identity = (r: Run, i: number) => r.identities.find((f) => f.subject === w.dir.user(i).id)!;

  it('a custom role the tenant marks privileged makes its holders privileged, active or eligible', () => {
    expect(identity(run, 5)).toMatchObject({ privileged: true, roles: ['Tier 1 support'] });
    expect(identity(run, 7)).toMatchObject({ privileged: true, eligible: true, roles: ['Tier 1 support'] });
    expect(requests(w, ROLE_DEFINITIONS)).toBe(1);
  });

  it('a custom role the tenant does not mark privileged does not', () => {
    expect(identity(run, 6)).toMatchObject({ privileged: false, roles: [] });
  });

  it('built-in roles keep their verdicts: the break-glass Global Administrators are privileged', () => {
    expect(identity(run, 0)).toMatchObject({ privileged: true, roles: ['Global Administrator'] });
    expect(run.gaps).toEqual([]);
  });

  it('definitions unreadable: the documented list stands in, a gap says so, and an administrator it cannot place is unknown', async () => {
    w.graph.faults.set(w.tenant, {
      serverErrorShare: 1,
      endpoints: ['/beta/roleManagement/directory/roleDefinitions'],
    });
    try {
      const fallback = await collect(w);
      const gap = fallback.gaps.find((g) => g.covers.includes('identity.privileged.definitions'))!;
      expect(gap).toMatchObject({ code: 'provider_error', source: `GET ${ROLE_DEFINITIONS}` });
      // The report calls the custom role's holder an administrator: the documented list cannot say it is not privileged.
      expect(identity(fallback, 5).privileged).toBe('unknown');
      expect(identity(fallback, 0)).toMatchObject({ privileged: true });
    } finally {
      w.graph.faults.set(w.tenant, {});
    }
  });

  it('definitions refused: the gap names RoleManagement.Read.Directory', async () => {
    w.graph.faults.set(w.tenant, {
      revokePermission: {
        after: 0,
        permission: 'RoleManagement.Read.Directory,RoleManagement.Read.All,Directory.Read.All',
      },
    });
    try {
      const refused = await collect(w);
      const gap = refused.gaps.find((g) => g.covers.includes('identity.privileged.definitions'))!;
      expect(gap).toMatchObject({ code: 'permission_missing', permission: 'RoleManagement.Read.Directory' });
      for (const f of refused.identities) expect(f.privileged === true && f.roles.length > 0).toBe(false);
    } finally {
      w.graph.faults.set(w.tenant, {});
    }
  });
});
