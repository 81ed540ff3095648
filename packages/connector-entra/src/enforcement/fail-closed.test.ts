import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { admits } from '../collect/cross-tenant.ts';
import { kindOf } from '../collect/external.ts';
import { SECURITY_DEFAULTS_ADMIN_ROLES } from '../roles.ts';
import { APPLICATION_PROPERTIES, CONDITION_CLASSES } from './conditions.ts';
import { GRANT_PROPERTIES } from './grant.ts';
import { caPolicy } from './policy.ts';
import { GUEST_TYPES, type Principal, USER_PROPERTIES } from './reach.ts';
import { resolveEnforcement } from './resolve.ts';

/** The raw Graph shape of a policy that enforces MFA on everyone; each case spoils one part of it. */
function enforcing() {
  return {
    id: 'p',
    displayName: 'Require MFA',
    state: 'enabled',
    conditions: {
      users: { includeUsers: ['All'], excludeUsers: [] } as Record<string, unknown>,
      applications: { includeApplications: ['All'], excludeApplications: [] } as Record<string, unknown>,
      clientAppTypes: ['all'],
      devices: {} as Record<string, unknown>,
      locations: { includeLocations: ['All'], excludeLocations: [] } as Record<string, unknown>,
    } as Record<string, unknown>,
    grantControls: { operator: 'OR', builtInControls: ['mfa'] } as Record<string, unknown>,
  };
}

const member: Principal = { id: 'u1', guestType: null, groups: new Set(), roles: new Set(), mfaRegistered: true };
const name = fc.stringMatching(/^[a-z][A-Za-z0-9]{0,14}$/);
const value = fc.oneof(
  fc.string({ minLength: 1 }),
  fc.array(fc.string(), { minLength: 1 }),
  fc.dictionary(name, fc.string(), { minKeys: 1 }),
  fc.integer(),
  fc.constant(true),
);
const unknownKey = (known: readonly string[]) => name.filter((k) => !known.includes(k));

interface Spoiled {
  raw: ReturnType<typeof enforcing>;
  principal: Principal;
  /** Words the verdict must carry, naming what was not understood. */
  names?: string;
}

const spoilers: fc.Arbitrary<Spoiled>[] = [
  fc.tuple(unknownKey(Object.keys(CONDITION_CLASSES)), value).map(([k, v]) => {
    const raw = enforcing();
    raw.conditions[k] = v;
    return { raw, principal: member, names: k };
  }),
  ...(
    [
      ['users', USER_PROPERTIES],
      ['applications', APPLICATION_PROPERTIES],
      ['devices', ['deviceFilter']],
      ['locations', ['includeLocations', 'excludeLocations']],
    ] as const
  ).map(([part, known]) =>
    fc.tuple(unknownKey(known), value).map(([k, v]) => {
      const raw = enforcing();
      (raw.conditions[part] as Record<string, unknown>)[k] = v;
      return { raw, principal: member, names: `${part}.${k}` };
    }),
  ),
  fc.tuple(unknownKey(GRANT_PROPERTIES), value).map(([k, v]) => {
    const raw = enforcing();
    raw.grantControls[k] = v;
    return { raw, principal: member, names: k };
  }),
  fc.tuple(unknownKey(['mfa', 'block']), fc.constantFrom('OR', 'or', undefined)).map(([control, operator]) => {
    const raw = enforcing();
    raw.grantControls = { operator, builtInControls: ['mfa', control] };
    return { raw, principal: member, names: control };
  }),
  fc
    .string()
    .filter((op) => op.toUpperCase() !== 'AND' && op.toUpperCase() !== 'OR')
    .map((operator) => {
      const raw = enforcing();
      raw.grantControls = { operator, builtInControls: ['mfa', 'compliantDevice'] };
      return { raw, principal: member };
    }),
  fc
    .record({
      combinations: fc.array(
        fc.constantFrom('password', 'sms', 'email', 'voice', 'qrCodePin', 'federatedSingleFactor'),
        {
          minLength: 1,
        },
      ),
      satisfied: fc.option(fc.string(), { nil: undefined }),
    })
    .map(({ combinations, satisfied }) => {
      const raw = enforcing();
      raw.grantControls = {
        operator: 'OR',
        authenticationStrength: { id: 'custom', allowedCombinations: combinations, requirementsSatisfied: satisfied },
      };
      return { raw, principal: member };
    }),
  fc.tuple(fc.subarray([...GUEST_TYPES], { minLength: 1 }), fc.boolean()).map(([types, exclude]) => {
    const raw = enforcing();
    const cond = { guestOrExternalUserTypes: types.join(',') };
    raw.conditions.users = exclude
      ? { includeUsers: ['All'], excludeGuestsOrExternalUsers: cond }
      : { includeUsers: [], includeGuestsOrExternalUsers: cond };
    return { raw, principal: { ...member, guestType: 'unknown' as const } };
  }),
  fc.tuple(name, fc.constantFrom('transferMethods', 'insiderRiskLevels')).map(([flag, where]) => {
    const raw = enforcing();
    if (where === 'transferMethods') raw.conditions.authenticationFlows = { transferMethods: flag };
    else raw.conditions.insiderRiskLevels = flag;
    return { raw, principal: member };
  }),
];

describe('fail closed', () => {
  it('the unspoiled policy enforces (so the property below can fail)', () => {
    const got = resolveEnforcement(member, { securityDefaults: false, policies: [caPolicy.parse(enforcing())] });
    expect(got.mfaEnforced).toBe(true);
  });

  it('an unclassified property or unknown value never yields enforced, and names what it could not read', () => {
    fc.assert(
      fc.property(fc.oneof(...spoilers), fc.constantFrom(true, false, 'unknown' as const), (s, registered) => {
        const principal = { ...s.principal, mfaRegistered: registered };
        const got = resolveEnforcement(principal, { securityDefaults: false, policies: [caPolicy.parse(s.raw)] });
        expect(got.mfaEnforced).not.toBe(true);
        expect(got.reason).not.toMatch(/^enforced_/);
        if (s.names) expect(got.detail).toContain(s.names);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('fail closed: a role policy and a role held otherwise than actively over the directory', () => {
  const role = fc.constantFrom(
    '62e90394-69f5-4237-9190-012177145e10',
    'custom-role-id',
    'fe930be7-5e62-47db-91af-98c3a49a38b1',
  );
  const byRole = (include: boolean, r: string) => {
    const raw = enforcing();
    raw.conditions.users = include ? { includeRoles: [r] } : { includeUsers: ['All'], excludeRoles: [r] };
    return caPolicy.parse(raw);
  };

  it('a holder reached only by includeRoles, but whose role is scoped or eligible, is never enforced', () => {
    fc.assert(
      fc.property(role, fc.boolean(), (r, eligible) => {
        // Scoped holdings reach neither set; an eligible one only `activatable`.
        const p: Principal = {
          ...member,
          activeScoped: new Set(eligible ? [] : [r]),
          activatable: new Set(eligible ? [r] : []),
        };
        const got = resolveEnforcement(p, { securityDefaults: false, policies: [byRole(true, r)] });
        expect(got.mfaEnforced).not.toBe(true);
        expect(
          resolveEnforcement({ ...p, roles: new Set([r]) }, { securityDefaults: false, policies: [byRole(true, r)] })
            .mfaEnforced,
        ).toBe(true);
      }),
    );
  });

  it('one who may activate an excluded role is excluded, never enforced', () => {
    fc.assert(
      fc.property(role, (r) => {
        const p: Principal = { ...member, activatable: new Set([r]) };
        const got = resolveEnforcement(p, { securityDefaults: false, policies: [byRole(false, r)] });
        expect(got).toMatchObject({ mfaEnforced: false, reason: 'excluded' });
      }),
    );
  });
});

describe('fail closed: security defaults and an administrator role not held actively over the directory', () => {
  it('a holder only scoped or only eligible is never enforced by security defaults', () => {
    fc.assert(
      fc.property(fc.constantFrom(...SECURITY_DEFAULTS_ADMIN_ROLES), fc.boolean(), (r, eligible) => {
        const p: Principal = { ...member, [eligible ? 'activatable' : 'activeScoped']: new Set([r]) };
        const got = resolveEnforcement(p, { securityDefaults: true, policies: [] });
        expect(got.mfaEnforced).toBe(eligible ? false : 'unknown');
        expect(
          resolveEnforcement({ ...p, roles: new Set([r]) }, { securityDefaults: true, policies: [] }),
        ).toMatchObject({ mfaEnforced: true, reason: 'enforced_security_defaults' });
      }),
    );
  });
});

describe('fail closed: direct connect', () => {
  it('a direct-connect setting not understood is never read as keeping users out', () => {
    const access = fc.oneof(fc.constant('allowed'), fc.constant('blocked'), fc.string(), fc.constant(null));
    fc.assert(
      fc.property(access, access, (users, apps) => {
        const setting = {
          usersAndGroups: { accessType: users, targets: [{ target: 'some-group', targetType: 'group' }] },
          applications: { accessType: apps, targets: [{ target: 'some-app', targetType: 'application' }] },
        };
        if (users !== 'blocked' || apps !== 'blocked') expect(admits(setting)).not.toBe(false);
      }),
    );
  });
});

describe('fail closed: a guest or external user whose kind Graph does not tell', () => {
  const text = fc.oneof(fc.constant(null), fc.constant(undefined), fc.string());
  const attributes = fc.record(
    {
      userType: fc.oneof(text, fc.constantFrom('Member', 'Guest', 'member', 'guest')),
      creationType: text,
      externalUserState: text,
      identities: fc.oneof(fc.constant(null), fc.constant(undefined), fc.constant<{ issuer: string }[]>([])),
    },
    { requiredKeys: [] },
  );
  const types = fc.subarray([...GUEST_TYPES, 'unknownFutureValue'], { minLength: 1 }).map((t) => t.join(','));
  const tenants = fc.oneof(
    fc.constant(undefined),
    fc.constant({ membershipKind: 'all' }),
    fc.constant({ membershipKind: 'enumerated', members: ['partner.example'] }),
  );
  const byGuests = fc.record({
    include: fc.boolean(),
    types,
    tenants,
    spelling: fc.constantFrom('types', 'GuestsOrExternalUsers'),
  });

  it('attributes missing or not understood never make a guest-targeting policy enforce', () => {
    fc.assert(
      fc.property(attributes, byGuests, (a, g) => {
        const kind = kindOf(a, 'someone_partner.example#EXT#@contoso.example');
        fc.pre(kind.guestType === 'unknown');
        const cond = { guestOrExternalUserTypes: g.types, externalTenants: g.tenants };
        const raw = enforcing();
        const named = g.spelling === 'types' ? undefined : ['GuestsOrExternalUsers'];
        raw.conditions.users = g.include
          ? { includeUsers: named ?? [], ...(named ? {} : { includeGuestsOrExternalUsers: cond }) }
          : {
              includeUsers: ['All'],
              excludeUsers: named ?? [],
              ...(named ? {} : { excludeGuestsOrExternalUsers: cond }),
            };
        const p: Principal = { ...member, ...kind };
        const got = resolveEnforcement(p, { securityDefaults: false, policies: [caPolicy.parse(raw)] });
        expect(got.mfaEnforced).not.toBe(true);
        expect(got.detail).toMatch(/could not be told|not understood|external tenants/);
      }),
      { numRuns: 500 },
    );
  });

  it('a guest whose home tenant cannot be told is never enforced by an exclusion of listed tenants', () => {
    const cond = {
      guestOrExternalUserTypes: 'b2bCollaborationGuest',
      externalTenants: { membershipKind: 'enumerated', members: ['11111111-2222-4333-8444-555555555555'] },
    };
    const raw = enforcing();
    raw.conditions.users = { includeUsers: ['All'], excludeGuestsOrExternalUsers: cond };
    for (const identities of [
      [{ signInType: 'federated', issuer: 'ExternalAzureAD', issuerAssignedId: null }],
      [{ signInType: 'federated', issuer: 'partner.example', issuerAssignedId: null }],
    ]) {
      const kind = kindOf({ userType: 'Guest', creationType: 'Invitation', identities }, 'a_b.example#EXT#@c.example');
      const got = resolveEnforcement(
        { ...member, ...kind },
        { securityDefaults: false, policies: [caPolicy.parse(raw)] },
      );
      expect(got.mfaEnforced).toBe('unknown');
    }
  });
});
