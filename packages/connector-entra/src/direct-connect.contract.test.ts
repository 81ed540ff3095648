import { type entraEdges, scenario } from '@evident/simulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { collect, NOW, type Run, requests, startWorld, type World } from './contract.fixture.ts';

const directConnectMfa = {
  id: '0b000000-0000-4000-8000-00000000dc01',
  displayName: 'Require MFA for direct-connect users of partner-b',
  state: 'enabled',
  conditions: {
    clientAppTypes: ['all'],
    applications: { includeApplications: ['All'], excludeApplications: [], includeUserActions: [] },
    users: {
      includeUsers: [],
      excludeUsers: [],
      includeGroups: [],
      excludeGroups: [],
      includeRoles: [],
      excludeRoles: [],
      includeGuestsOrExternalUsers: {
        guestOrExternalUserTypes: 'b2bDirectConnectUser',
        externalTenants: {
          '@odata.type': '#microsoft.graph.conditionalAccessEnumeratedExternalTenants',
          membershipKind: 'enumerated',
          members: ['partner-b'],
        },
      },
    },
  },
  grantControls: { operator: 'OR', builtInControls: ['mfa'], customAuthenticationFactors: [], termsOfUse: [] },
};

function world(policies: object[]) {
  const edges: z.input<typeof entraEdges> = {
    policies: policies as Record<string, unknown>[],
    crossTenant: {
      default: { directConnectInbound: true, mfaAccepted: true },
      partners: [
        { tenantId: 'partner-a', directConnectInbound: false },
        { tenantId: 'partner-b', mfaAccepted: false },
      ],
    },
  };
  return scenario.parse({
    name: 'direct-connect',
    now: NOW,
    tenants: [
      {
        name: 'fabrikam',
        entra: { tenantId: 'fabrikam', users: 10, conditionalAccess: ['admins_only'], edges },
      },
    ],
  });
}

const subject = (tenant: string) => `b2b-direct-connect:${tenant}`;

describe('B2B direct-connect users, judged from the cross-tenant access settings', () => {
  let w: World;
  let run: Run;
  beforeAll(async () => {
    w = await startWorld(world([]));
    run = await collect(w);
  });
  afterAll(() => w?.close());
  const of = (r: Run, tenant: string) => r.identities.find((i) => i.subject === subject(tenant));

  it('each population let in is an identity; a partner that blocks direct connect is none', () => {
    expect(of(run, '*')).toMatchObject({ kind: 'guest', external: true, guestType: 'b2bDirectConnectUser' });
    expect(of(run, 'partner-b')).toBeDefined();
    expect(of(run, 'partner-a')).toBeUndefined();
    expect(requests(w, '/v1.0/policies/crossTenantAccessPolicy/default')).toBe(1);
    expect(requests(w, '/v1.0/policies/crossTenantAccessPolicy/partners')).toBe(1);
  });

  it('let in with no policy requiring MFA of them: not enforced, though their home MFA is trusted', () => {
    const all = of(run, '*')!;
    expect(all.mfaEnforced).toBe(false);
    expect(all.enforcementDetail).toMatch(/MFA done in their home tenant is trusted/);
    expect(of(run, 'partner-b')!.mfaEnforced).toBe(false);
  });

  it("a policy requiring MFA of one partner's direct-connect users enforces for them only", async () => {
    const enforced = await startWorld(world([directConnectMfa]));
    try {
      const r = await collect(enforced);
      expect(of(r, 'partner-b')).toMatchObject({ mfaEnforced: true, enforcementReason: 'enforced_policy' });
      expect(of(r, 'partner-b')!.enforcementDetail).toMatch(/not trusted/);
      expect(of(r, '*')!.mfaEnforced).toBe(false);
    } finally {
      await enforced.close();
    }
  });

  it('settings unreadable: a gap naming Policy.Read.All covers enforcement, so it cannot pass', async () => {
    w.graph.faults.set(w.tenant, {
      serverErrorShare: 1,
      endpoints: ['/v1.0/policies/crossTenantAccessPolicy/default'],
    });
    try {
      const r = await collect(w);
      const gap = r.gaps.find((g) => g.source.includes('crossTenantAccessPolicy/default'))!;
      expect(gap.covers).toEqual(['identity.mfaEnforced']);
      expect(r.identities.some((i) => i.guestType === 'b2bDirectConnectUser')).toBe(false);
    } finally {
      w.graph.faults.set(w.tenant, {});
    }
  });
});
