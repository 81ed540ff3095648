import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { guid } from '../../rng.ts';
import { preset } from '../../scenario/presets.ts';
import { CA_PRESETS, type EntraWorld, entraWorld } from '../../scenario/schema.ts';
import { entraDirectory } from './directory.ts';
import { EntraWorldError } from './layout.ts';
import { ADMIN_ROLE_TEMPLATE_IDS, ROLE_TEMPLATE_IDS } from './roles.ts';

const NOW = new Date('2026-11-01T12:00:00Z');
const world = (input: Partial<EntraWorld> & { users: number }) => entraWorld.parse({ tenantId: 'contoso', ...input });

describe('entraDirectory', () => {
  it('lays users out as break-glass, admins, members, disabled, guests', () => {
    const d = entraDirectory(
      world({
        users: 20,
        disabledUsers: 3,
        guests: 4,
        breakGlass: 2,
        admins: { globalAdministrator: 2, userAdministrator: 3 },
      }),
      7,
      NOW,
    );
    expect(d.counts).toEqual({
      users: 27,
      enabledMembers: 20,
      disabled: 3,
      guests: 4,
      breakGlass: 2,
      admins: 7,
      registrationDetails: 24,
    });
    expect(d.user(0)).toMatchObject({
      breakGlass: true,
      roles: ['globalAdministrator'],
      userPrincipalName: 'breakglass01@contoso.example',
    });
    expect(d.user(2)).toMatchObject({ roles: ['globalAdministrator'], roleAssignedVia: 'direct', isAdmin: true });
    expect(d.user(3)).toMatchObject({ roles: ['globalAdministrator'], roleAssignedVia: 'group' });
    expect(d.user(4).roleTemplateIds).toEqual([ROLE_TEMPLATE_IDS.userAdministrator]);
    expect(d.user(7)).toMatchObject({ roles: [], isAdmin: false, accountEnabled: true, userType: 'Member' });
    expect(d.user(20).accountEnabled).toBe(false);
    expect(d.user(23)).toMatchObject({ userType: 'Guest', accountEnabled: true });
    expect(d.user(23).userPrincipalName).toMatch(/#EXT#@contoso\.example$/);
    expect(d.user(5).id).toBe(guid(7, 'contoso', 'user', 5));
    expect(() => d.user(27)).toThrow(RangeError);
  });

  it('skips disabled users in the registration report order', () => {
    const d = entraDirectory(world({ users: 5, disabledUsers: 2, guests: 1 }), 1, NOW);
    expect([0, 1, 2, 3, 4, 5].map((j) => d.registeredUser(j).index)).toEqual([0, 1, 2, 3, 4, 7]);
  });

  it('is a pure function of world, seed and time', () => {
    const w = preset('ca-edge-cases').tenants[0]!.entra!;
    const a = entraDirectory(w, 3, NOW);
    const b = entraDirectory(w, 3, NOW);
    expect(a.user(42)).toEqual(b.user(42));
    expect(a.conditionalAccessPolicies).toEqual(b.conditionalAccessPolicies);
    expect(a.signIns.at(9)).toEqual(b.signIns.at(9));
    expect(entraDirectory(w, 4, NOW).user(42).id).not.toBe(a.user(42).id);
  });

  it('refuses a world with more administrators than users', () => {
    expect(() =>
      entraDirectory(world({ users: 3, breakGlass: 2, admins: { globalAdministrator: 2 } }), 1, NOW),
    ).toThrow(EntraWorldError);
  });

  it('assigns roles directly to the first holder and through a role-assignable group to the others', () => {
    const d = entraDirectory(
      world({ users: 30, admins: { globalAdministrator: 3, helpdeskAdministrator: 1 } }),
      1,
      NOW,
    );
    const summary = d.roleAssignments.map((a) => [
      a.role,
      a.principal.type === 'user' ? a.principal.index : a.principal.group.key,
    ]);
    expect(summary).toEqual([
      ['globalAdministrator', 0],
      ['globalAdministrator', 1],
      ['globalAdministrator', 2],
      ['globalAdministrator', 'role:globalAdministrator'],
      ['helpdeskAdministrator', 5],
    ]);
    const group = d.groups.find((g) => g.key === 'role:globalAdministrator')!;
    expect(group.isAssignableToRole).toBe(true);
    const members = d.transitiveMembers(group);
    expect(Array.from({ length: members.count }, (_, k) => members.at(k))).toEqual([
      { type: 'user', index: 3 },
      { type: 'user', index: 4 },
    ]);
  });

  it('keeps registration facts consistent for any world', () => {
    const worlds = fc.record({
      users: fc.integer({ min: 5, max: 60 }),
      disabledUsers: fc.integer({ min: 0, max: 5 }),
      guests: fc.integer({ min: 0, max: 5 }),
      breakGlass: fc.integer({ min: 0, max: 2 }),
      mfaRegisteredShare: fc.double({ min: 0, max: 1, noNaN: true }),
      adminMfaRegisteredShare: fc.double({ min: 0, max: 1, noNaN: true }),
      adminPhishingResistantShare: fc.double({ min: 0, max: 1, noNaN: true }),
      weakMethodsEnabled: fc.record({ sms: fc.boolean(), voice: fc.boolean(), email: fc.boolean() }),
      admins: fc.record({
        globalAdministrator: fc.integer({ min: 0, max: 2 }),
        securityAdministrator: fc.integer({ min: 0, max: 1 }),
      }),
      conditionalAccess: fc.subarray([...CA_PRESETS]),
    });
    fc.assert(
      fc.property(worlds, fc.integer(), (input, seed) => {
        const d = entraDirectory(world(input), seed, NOW);
        const users = [...d.users()];
        expect(users).toHaveLength(d.counts.users);
        expect(new Set(users.map((u) => u.id)).size).toBe(users.length);
        expect(users.filter((u) => u.isAdmin)).toHaveLength(d.counts.admins);
        for (const u of users) {
          if (u.isMfaCapable) expect(u.isMfaRegistered).toBe(true);
          if (u.isPasswordlessCapable) expect(u.isMfaRegistered).toBe(true);
          if (u.breakGlass) expect(u.roles).toEqual(['globalAdministrator']);
          if (u.lastSignInDateTime) expect(Date.parse(u.lastSignInDateTime)).toBeLessThanOrEqual(NOW.getTime());
        }
        for (let j = 0; j < d.counts.registrationDetails; j++) expect(d.registeredUser(j).accountEnabled).toBe(true);
        const held = d.roleAssignments.flatMap((a) =>
          a.principal.type === 'user'
            ? [a.principal.index]
            : a.principal.group.memberUsers.flatMap((r) => range(r.start, r.end)),
        );
        expect(new Set(held)).toEqual(new Set(users.filter((u) => u.isAdmin).map((u) => u.index)));
      }),
      { numRuns: 60 },
    );
  });

  it('matches the configured registration shares on a large tenant', () => {
    const d = entraDirectory(world({ users: 20_000, mfaRegisteredShare: 0.8, recentSignInShare: 0.6 }), 5, NOW);
    const sample = Array.from({ length: 5_000 }, (_, k) => d.user(100 + k * 3));
    const share = (f: (u: (typeof sample)[number]) => boolean) => sample.filter(f).length / sample.length;
    expect(share((u) => u.isMfaRegistered)).toBeCloseTo(0.8, 1);
    const recent = NOW.getTime() - 30 * 86_400_000;
    expect(share((u) => u.lastSignInDateTime !== null && Date.parse(u.lastSignInDateTime) >= recent)).toBeCloseTo(
      0.6,
      1,
    );
  });

  it('counts phone-only users as registered but not capable when SMS and voice are off', () => {
    const d = entraDirectory(
      world({
        users: 400,
        methods: { mobilePhone: 1 },
        weakMethodsEnabled: { sms: false, voice: false, email: false },
      }),
      1,
      NOW,
    );
    const phoneOnly = [...d.users()].filter((u) => u.methodsRegistered.join() === 'mobilePhone');
    expect(phoneOnly.length).toBeGreaterThan(100);
    for (const u of phoneOnly) expect(u).toMatchObject({ isMfaRegistered: true, isMfaCapable: false });
  });

  it('gives administrators phishing-resistant methods at the configured share', () => {
    const d = entraDirectory(
      world({ users: 50, admins: { securityAdministrator: 10 }, adminPhishingResistantShare: 1 }),
      1,
      NOW,
    );
    for (let i = 2; i < 12; i++)
      expect(d.user(i)).toMatchObject({ phishingResistant: true, isPasswordlessCapable: true });
  });
});

function range(start: number, end: number): number[] {
  return Array.from({ length: end - start }, (_, k) => start + k);
}

describe('conditional-access presets', () => {
  const build = (conditionalAccess: EntraWorld['conditionalAccess']) =>
    entraDirectory(
      world({ users: 80, admins: { globalAdministrator: 2, securityAdministrator: 1 }, conditionalAccess }),
      2,
      NOW,
    );

  it('excludes the break-glass accounts from every policy, by group or one by one', () => {
    const d = build([...CA_PRESETS]);
    const bgGroup = d.groups.find((g) => g.key === 'breakGlass')!.id;
    const bgUsers = [d.user(0).id, d.user(1).id];
    expect(d.conditionalAccessPolicies).toHaveLength(15);
    for (const p of d.conditionalAccessPolicies) {
      const u = p.conditions.users;
      if (u.includeUsers.includes('None')) continue;
      expect(u.excludeGroups.includes(bgGroup) || bgUsers.every((id) => u.excludeUsers.includes(id))).toBe(true);
    }
  });

  it('creates what each preset describes', () => {
    const only = (preset: (typeof CA_PRESETS)[number]) => build([preset]).conditionalAccessPolicies;
    expect(only('all_users_mfa_break_glass')[0]).toMatchObject({
      state: 'enabled',
      conditions: {
        users: { includeUsers: ['All'] },
        applications: { includeApplications: ['All'] },
        clientAppTypes: ['all'],
      },
      grantControls: { builtInControls: ['mfa'] },
    });
    expect(only('report_only_trap')[0]!.state).toBe('enabledForReportingButNotEnforced');
    expect(only('admins_only')[0]!.conditions.users.includeRoles).toEqual(ADMIN_ROLE_TEMPLATE_IDS);
    expect(ADMIN_ROLE_TEMPLATE_IDS).not.toContain(ROLE_TEMPLATE_IDS.globalReader);
    expect(only('legacy_auth_open')[0]!.conditions.clientAppTypes).toEqual(['browser', 'mobileAppsAndDesktopClients']);
    expect(only('legacy_auth_blocked')[0]).toMatchObject({
      conditions: { clientAppTypes: ['exchangeActiveSync', 'other'], users: { excludeGroups: [] } },
      grantControls: { builtInControls: ['block'] },
    });
    expect(only('phishing_resistant_admins')[0]!.grantControls).toMatchObject({
      builtInControls: [],
      authenticationStrength: { id: '00000000-0000-0000-0000-000000000004', requirementsSatisfied: 'mfa' },
    });
  });

  it('builds the nested-group shapes', () => {
    const d = build(['nested_groups']);
    const [staff, orGrant, location] = d.conditionalAccessPolicies;
    const byKey = (key: string) => d.groups.find((g) => g.key === key)!;
    expect(staff!.conditions.users.includeGroups).toEqual([byKey('allStaff').id]);
    expect(staff!.conditions.users.excludeGroups).toContain(byKey('mfaExemptions').id);
    expect(orGrant!.grantControls).toMatchObject({ operator: 'OR', builtInControls: ['mfa', 'compliantDevice'] });
    expect(location!.conditions.locations).toEqual({ includeLocations: ['All'], excludeLocations: ['AllTrusted'] });
    const all = d.transitiveMembers(byKey('allStaff'));
    expect(byKey('allStaff').memberUsers).toEqual([]);
    expect(all.count).toBe(3 + (80 - 5));
    const contractor = byKey('contractors').memberUsers[0]!.start;
    expect(all.hasUser(contractor)).toBe(true);
    const exempt = d.transitiveMembers(byKey('mfaExemptions'));
    expect(exempt.at(0)).toEqual({ type: 'group', group: byKey('kiosks') });
    expect(exempt.count).toBe(1 + 4);
    expect(d.user(byKey('kiosks').memberUsers[0]!.start).groupIds).toEqual([byKey('sales').id, byKey('kiosks').id]);
  });

  it('composes presets and ignores repeats', () => {
    expect(
      build(['admins_only', 'admins_only', 'legacy_auth_blocked']).conditionalAccessPolicies.map((p) => p.displayName),
    ).toEqual(['Require MFA for administrators', 'Block legacy authentication']);
    expect(build([]).conditionalAccessPolicies).toEqual([]);
  });
});

describe('audit logs', () => {
  it('keeps 7 days on Free and 30 with a licence, newest first', () => {
    const free = entraDirectory(world({ users: 40, licence: 'free' }), 1, NOW);
    const p1 = entraDirectory(world({ users: 40, licence: 'p1' }), 1, NOW);
    expect(p1.signIns.count / free.signIns.count).toBeCloseTo(30 / 7, 5);
    const first = Date.parse(p1.signIns.at(0).createdDateTime);
    expect(first).toBeLessThan(NOW.getTime());
    expect(Date.parse(p1.signIns.at(1).createdDateTime)).toBeLessThan(first);
    const oldest = Date.parse(p1.signIns.at(p1.signIns.count - 1).createdDateTime);
    expect(NOW.getTime() - oldest).toBeLessThanOrEqual(30 * 86_400_000);
    expect(p1.signIns.countSince(new Date(NOW.getTime() - 86_400_000))).toBe(80);
    expect(p1.directoryAudits.at(0).activityDateTime < NOW.toISOString()).toBe(true);
  });

  it('reports what the policies did to each sign-in: legacy clients blocked, break-glass excluded', () => {
    const d = entraDirectory(
      world({ users: 200, conditionalAccess: ['legacy_auth_blocked', 'report_only_trap'] }),
      4,
      NOW,
    );
    const [block, reportOnly] = d.conditionalAccessPolicies;
    const events = Array.from({ length: 3_000 }, (_, k) => d.signIns.at(k));
    const legacy = events.filter((e) => e.clientAppUsed === 'Exchange ActiveSync' || e.clientAppUsed === 'IMAP4');
    expect(legacy.length).toBeGreaterThan(20);
    for (const e of events) {
      const result = (id: string) => e.appliedConditionalAccessPolicies.find((a) => a.id === id)!.result;
      const breakGlass = e.userPrincipalName.startsWith('breakglass');
      const isLegacy = legacy.includes(e);
      expect(result(block!.id)).toBe(isLegacy && !breakGlass ? 'failure' : 'notApplied');
      expect(result(reportOnly!.id)).toBe(breakGlass ? 'reportOnlyNotApplied' : 'reportOnlySuccess');
      expect(e.status.errorCode === 53003).toBe(isLegacy && !breakGlass);
      expect(e.conditionalAccessStatus).toBe(isLegacy && !breakGlass ? 'failure' : 'notApplied');
    }
  });
});

describe('the shapes that narrow a policy or name who it reaches', () => {
  const only = (preset: (typeof CA_PRESETS)[number]) =>
    entraDirectory(world({ users: 20, conditionalAccess: [preset] }), 2, NOW).conditionalAccessPolicies[0]!;

  it('authentication flows, insider risk and workload identities', () => {
    expect(only('device_code_only').conditions.authenticationFlows).toEqual({ transferMethods: 'deviceCodeFlow' });
    expect(only('insider_risk').conditions.insiderRiskLevels).toBe('elevated');
    const workload = only('workload_identities');
    expect(workload.conditions.users.includeUsers).toEqual(['None']);
    expect(workload.conditions.clientApplications?.includeServicePrincipals).toEqual(['ServicePrincipalsInMyTenant']);
  });

  it('service-provider users by guest type, a single-factor custom strength and a custom control', () => {
    expect(only('service_providers_mfa').conditions.users.includeGuestsOrExternalUsers).toMatchObject({
      guestOrExternalUserTypes: 'serviceProvider',
      externalTenants: { membershipKind: 'all' },
    });
    expect(only('weak_custom_strength').grantControls.authenticationStrength).toMatchObject({
      policyType: 'custom',
      allowedCombinations: expect.arrayContaining(['sms']),
    });
    expect(only('custom_control_mfa').grantControls.customAuthenticationFactors).toEqual(['duo-mfa']);
  });
});
