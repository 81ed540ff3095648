import { reachesEverySignIn } from '@evident/core';
import { type entraEdges, scenario } from '@evident/simulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { collect, NOW, type Run, startWorld, type World } from './contract.fixture.ts';

const ALL_TYPES =
  'internalGuest,b2bCollaborationGuest,b2bCollaborationMember,b2bDirectConnectUser,otherExternalUser,serviceProvider';

function mfaPolicy(id: string, displayName: string, users: object, conditions: object = {}) {
  return {
    id,
    displayName,
    state: 'enabled',
    conditions: {
      clientAppTypes: ['all'],
      applications: { includeApplications: ['All'], excludeApplications: [], includeUserActions: [] },
      users: {
        includeUsers: ['All'],
        excludeUsers: [],
        includeGroups: [],
        excludeGroups: [],
        includeRoles: [],
        excludeRoles: [],
        ...users,
      },
      ...conditions,
    },
    grantControls: { operator: 'OR', builtInControls: ['mfa'], customAuthenticationFactors: [], termsOfUse: [] },
  };
}

const byValue = mfaPolicy('0a000000-0000-4000-8000-000000000001', 'All but guests (user value)', {
  excludeUsers: ['GuestsOrExternalUsers'],
});
const byType = mfaPolicy('0a000000-0000-4000-8000-000000000002', 'All but guests (guest types)', {
  excludeGuestsOrExternalUsers: {
    guestOrExternalUserTypes: ALL_TYPES,
    externalTenants: { '@odata.type': '#microsoft.graph.conditionalAccessAllExternalTenants', membershipKind: 'all' },
  },
});
const someGuests = mfaPolicy('0a000000-0000-4000-8000-000000000003', 'All but internal guests', {
  excludeGuestsOrExternalUsers: { guestOrExternalUserTypes: 'internalGuest', externalTenants: null },
});
const browserOnly = mfaPolicy(
  '0a000000-0000-4000-8000-000000000004',
  'Browser sign-ins only',
  {},
  { clientAppTypes: ['browser'] },
);

function world(policies: object[]) {
  const edges: z.input<typeof entraEdges> = { policies: policies as Record<string, unknown>[] };
  return scenario.parse({
    name: 'policy-model',
    now: NOW,
    tenants: [
      {
        name: 'fabrikam',
        entra: { tenantId: 'fabrikam', users: 12, guests: 3, conditionalAccess: [], edges },
      },
    ],
  });
}

describe('the policy fact states what the per-user resolver reads', () => {
  let w: World;
  let run: Run;
  beforeAll(async () => {
    w = await startWorld(world([byValue, byType, someGuests, browserOnly]));
    run = await collect(w);
  });
  afterAll(() => w?.close());
  const fact = (name: string) => run.policies.find((p) => p.name === name)!;

  it('guests excluded as a user value or by every guest type: one exclusion, spelled alike', () => {
    expect(fact(byValue.displayName).excluded).toEqual(['GuestsOrExternalUsers']);
    expect(fact(byType.displayName).excluded).toEqual(['GuestsOrExternalUsers']);
    expect(fact(someGuests.displayName).excluded).toEqual(['guests:internalGuest']);
  });

  it('the resolver reads both spellings alike too: B2B guests are reached only by the policy sparing internal ones', () => {
    const guests = run.identities.filter((i) => i.external);
    expect(guests).toHaveLength(3);
    for (const g of guests) {
      expect(g).toMatchObject({ mfaEnforced: true, guestType: 'b2bCollaborationGuest' });
      expect(g.enforcementDetail).toBe(`enforced by '${someGuests.displayName}'`);
    }
    const members = run.identities.filter((i) => !i.external && i.kind === 'human');
    for (const m of members) expect(m.mfaEnforced, m.name).toBe(true);
  });

  it('client app types travel on the fact, and the one rule reads them as the resolver does', () => {
    const browser = fact(browserOnly.displayName);
    expect(browser.clientAppTypes).toEqual(['browser']);
    expect(reachesEverySignIn(browser.clientAppTypes)).toBe(false);
    expect(reachesEverySignIn(fact(byValue.displayName).clientAppTypes)).toBe(true);
  });
});

describe('a browser-only MFA policy alone', () => {
  it('enforces nothing per user, and its fact says so', async () => {
    const w = await startWorld(world([browserOnly]));
    try {
      const run = await collect(w);
      for (const i of run.identities.filter((f) => f.kind === 'human')) {
        expect(i).toMatchObject({ mfaEnforced: false, enforcementReason: 'conditional' });
        expect(i.enforcementDetail).toMatch(/only client apps browser/);
      }
      expect(reachesEverySignIn(run.policies[0]!.clientAppTypes)).toBe(false);
    } finally {
      await w.close();
    }
  });
});
