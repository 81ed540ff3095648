import { type entraEdges, scenario } from '@evident/simulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { collect, NOW, type Run, requests, startWorld, type World } from './contract.fixture.ts';

const local = (upn: string) => [{ signInType: 'userPrincipalName', issuer: 'contoso.example', issuerAssignedId: upn }];
const federated = (issuer: string) => ({ signInType: 'federated', issuer, issuerAssignedId: null });

/** Users 0…11 are members, 12…15 guests (12 the MSP's, signing in through its federated domain); some disagree. */
const USERS: NonNullable<z.input<typeof entraEdges>>['users'] = [
  // A member whose UPN has the shape of an invited account's.
  { user: 6, userPrincipalName: 'old.partner_partner.example#EXT#@contoso.example' },
  // A B2B collaboration member whose UPN was renamed: nothing in it says external.
  {
    user: 7,
    userPrincipalName: 'b2b.member@contoso.example',
    userType: 'Member',
    creationType: 'Invitation',
    externalUserState: 'Accepted',
    identities: [...local('b2b.member@contoso.example'), federated('partner.example')],
  },
  // An invited guest (Entra, home tenant not named) whose UPN has no #EXT#.
  { user: 13, userPrincipalName: 'vendor@contoso.example' },
  // A guest Graph returns no attributes for.
  { user: 14, userType: null, creationType: null, externalUserState: null, identities: [] },
];

/** A policy requiring MFA of `users`, in Graph's shape. */
function policy(id: string, displayName: string, users: Record<string, unknown>) {
  return {
    id: `e7e7e7e7-0000-4000-8000-00000000000${id}`,
    displayName,
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
        ...users,
      },
    },
    grantControls: { operator: 'OR', builtInControls: ['mfa'], customAuthenticationFactors: [], termsOfUse: [] },
  };
}

const guests = (types: string, tenants?: string[]) => ({
  guestOrExternalUserTypes: types,
  externalTenants: tenants
    ? {
        '@odata.type': '#microsoft.graph.conditionalAccessEnumeratedExternalTenants',
        membershipKind: 'enumerated',
        members: tenants,
      }
    : { '@odata.type': '#microsoft.graph.conditionalAccessAllExternalTenants', membershipKind: 'all' },
});

function world(edges: z.input<typeof entraEdges>, securityDefaults = false) {
  return scenario.parse({
    name: 'external-users',
    now: NOW,
    tenants: [
      {
        name: 'fabrikam',
        entra: {
          tenantId: 'fabrikam',
          licence: 'p2',
          users: 12,
          guests: 4,
          mspGuests: 1,
          admins: { globalAdministrator: 1 },
          conditionalAccess: [],
          securityDefaults,
          edges: { users: USERS, ...edges },
        },
      },
    ],
  });
}

function started(edges: z.input<typeof entraEdges>, securityDefaults = false) {
  const s = { w: undefined as unknown as World, run: undefined as unknown as Run };
  beforeAll(async () => {
    s.w = await startWorld(world(edges, securityDefaults));
    s.run = await collect(s.w);
  });
  afterAll(() => s.w?.close());
  return {
    identity: (i: number) => s.run.identities.find((f) => f.subject === s.w.dir.user(i).id)!,
    get w() {
      return s.w;
    },
  };
}

describe("a policy for B2B collaboration members reaches them by Graph's attributes, not by the UPN", () => {
  const t = started({
    policies: [
      policy('1', 'MFA for B2B collaboration members', {
        includeGuestsOrExternalUsers: guests('b2bCollaborationMember'),
      }),
    ],
  });

  it('a member whose UPN has #EXT# but who signs in here is a member: not reached, not enforced', () => {
    expect(t.identity(6)).toMatchObject({ kind: 'human', external: false, mfaEnforced: false });
    expect(t.identity(6).guestType).toBeUndefined();
  });

  it('a member invited from another tenant is a B2B collaboration member, whatever its UPN', () => {
    expect(t.identity(7)).toMatchObject({
      external: true,
      guestType: 'b2bCollaborationMember',
      mfaEnforced: true,
      enforcementReason: 'enforced_policy',
    });
  });

  it('a guest whose attributes Graph does not give is unknown, with the reason, never enforced', () => {
    expect(t.identity(14)).toMatchObject({ mfaEnforced: 'unknown', guestType: 'unknown' });
    expect(t.identity(14).enforcementDetail).toMatch(/could not be told: Graph gives this account no user type/);
  });

  it('the attributes are read from /users beside the registration report, one page here', () => {
    expect(requests(t.w, '/v1.0/users')).toBe(1);
  });

  it('without User.Read.All every kind is unknown: a gap names it and the guest policy enforces on nobody', async () => {
    t.w.graph.faults.set(t.w.tenant, {
      revokePermission: { after: 0, permission: 'User.Read.All,User.ReadBasic.All,Directory.Read.All' },
    });
    try {
      const closed = await collect(t.w);
      expect(closed.gaps.find((g) => g.covers.includes('identity.guestType'))).toMatchObject({
        code: 'permission_missing',
      });
      const of = (i: number) => closed.identities.find((f) => f.subject === t.w.dir.user(i).id)!;
      for (const i of [6, 7, 12, 13, 14]) {
        expect(of(i).mfaEnforced, of(i).name).toBe('unknown');
        expect(of(i).enforcementDetail).toMatch(/external-identity attributes could not be read/);
      }
      expect(of(6)).toMatchObject({ kind: 'human', external: false });
      expect(of(13)).toMatchObject({ kind: 'guest', guestType: 'unknown' });
    } finally {
      t.w.graph.faults.set(t.w.tenant, {});
    }
  });
});

describe('a policy for local guests does not reach an invited guest whose UPN lacks #EXT#', () => {
  const t = started({
    policies: [policy('2', 'MFA for local guests', { includeGuestsOrExternalUsers: guests('internalGuest') })],
  });

  it('the invited guest is a B2B collaboration guest: not reached, not enforced', () => {
    expect(t.identity(13)).toMatchObject({ kind: 'guest', guestType: 'b2bCollaborationGuest', mfaEnforced: false });
  });
});

describe('an exclusion of B2B collaboration members spares one whose UPN looks like a member', () => {
  const t = started({
    policies: [
      policy('3', 'MFA for all but B2B members', {
        includeUsers: ['All'],
        excludeGuestsOrExternalUsers: guests('b2bCollaborationMember'),
      }),
    ],
  });

  it('the B2B collaboration member is excluded, not enforced', () => {
    expect(t.identity(7)).toMatchObject({ mfaEnforced: false, enforcementReason: 'excluded' });
  });
  it('the member with a #EXT# UPN is enforced as everyone else', () => {
    expect(t.identity(6)).toMatchObject({ mfaEnforced: true, enforcementReason: 'enforced_policy' });
  });
});

describe("guests of listed tenants: the home tenant from a federated identity's issuer, else unknown", () => {
  const t = started({
    policies: [
      policy('4', 'MFA for all but the MSP', {
        includeUsers: ['All'],
        excludeGuestsOrExternalUsers: guests('b2bCollaborationGuest', ['contoso-msp.example']),
      }),
    ],
  });

  it("the MSP's guest, whose identity names its domain, is excluded", () => {
    expect(t.identity(12)).toMatchObject({ guestType: 'b2bCollaborationGuest', enforcementReason: 'excluded' });
  });

  it('a guest signing in through Entra with no #EXT# UPN is unknown: nothing names its tenant', () => {
    expect(t.identity(13)).toMatchObject({ mfaEnforced: 'unknown' });
    expect(t.identity(13).enforcementDetail).toMatch(/home tenant is unknown: it signs in through externalazuread/);
  });

  it('a guest whose home only its #EXT# UPN suggests is unknown, and the reason says so', () => {
    expect(t.identity(15)).toMatchObject({ mfaEnforced: 'unknown' });
    expect(t.identity(15).enforcementDetail).toMatch(/only its #EXT# UPN suggests/);
  });
});

describe('security defaults challenge on every sign-in only active holders of the administrator roles', () => {
  const t = started(
    {
      roleAssignments: [
        { user: 5, role: 'globalAdministrator', directoryScopeId: '/administrativeUnits/0b5e7c1d-au' },
        { user: 8, role: 'securityAdministrator', eligible: true },
      ],
      activation: [{ role: 'securityAdministrator', mfa: true }],
    },
    true,
  );

  it('an active Global Administrator over the directory is enforced', () => {
    expect(t.identity(2)).toMatchObject({ mfaEnforced: true, enforcementReason: 'enforced_security_defaults' });
  });

  it('a holder whose only assignment is scoped to an administrative unit is unknown, with the reason', () => {
    expect(t.identity(5)).toMatchObject({ privileged: true, mfaEnforced: 'unknown' });
    expect(t.identity(5).enforcementDetail).toMatch(/administrative unit or one object; Microsoft does not document/);
  });

  it('an eligible-only holder is risk-based until activation; PIM demanding MFA shows on the fact', () => {
    expect(t.identity(8)).toMatchObject({
      eligible: true,
      mfaEnforced: false,
      enforcementReason: 'security_defaults_risk_based',
      activationMfa: true,
    });
    expect(t.identity(8).enforcementDetail).toMatch(/not challenged on every sign-in until it activates/);
  });
});
