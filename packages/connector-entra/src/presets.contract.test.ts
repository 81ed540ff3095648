import { type EnforcementReason, effectiveRetention } from '@evident/core';
import { PRESETS, type PresetName, scenario } from '@evident/simulators';
import { diagnosticDestinations } from '@evident/simulators/graph';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, NOW, type Run, requests, scenarioOf, startWorld, type World } from './contract.fixture.ts';
import { ENFORCEMENT, expectedIdentity, expectedLogs, expectedPolicy, inGroup } from './truth.fixture.ts';

const ENTRA = (Object.keys(PRESETS) as PresetName[]).filter((n) => scenarioOf(n).tenants.some((t) => t.entra));
/** Presets small enough to hold every fact in memory; the 300,000-user one is checked as it streams. */
const SMALL = ENTRA.filter((n) => scenarioOf(n).tenants.every((t) => (t.entra?.users ?? 0) < 10_000));

/** Which reasons each world must produce at least once, so that its rule is not vacuous. */
const REASONS: Partial<Record<PresetName, EnforcementReason[]>> = {
  healthy: ['enforced_policy', 'excluded'],
  'msp-internal': ['enforced_policy', 'excluded'],
  'short-retention': ['enforced_policy', 'excluded'],
  'admins-unenforced': ['registered_not_enforced', 'not_registered'],
  'security-defaults': ['enforced_security_defaults'],
  'free-no-defaults': ['unknown'],
  'ca-edge-cases': ['enforced_policy', 'excluded', 'conditional'],
  'privileged-scope': ['enforced_policy', 'excluded', 'conditional', 'enforced_per_user'],
};

it('every preset with an Entra tenant has expectations', () => {
  expect(ENTRA.length).toBeGreaterThanOrEqual(8);
  for (const name of ENTRA) expect(ENFORCEMENT[name], name).toBeDefined();
  for (const name of SMALL) expect(REASONS[name], name).toBeDefined();
});

describe.each(SMALL)('%s', (name) => {
  let w: World;
  let run: Run;
  beforeAll(async () => {
    w = await startWorld(scenarioOf(name));
    run = await collect(w);
  });
  afterAll(() => w?.close());

  it('one identity per enabled user, as the world has them', () => {
    const rule = ENFORCEMENT[name]!;
    const enabled = [...w.dir.users()].filter((u) => u.accountEnabled);
    expect(run.identities.map((i) => i.subject).sort()).toEqual(enabled.map((u) => u.id).sort());
    const byId = new Map(run.identities.map((i) => [i.subject, i]));
    const licensed = w.dir.world.licence !== 'free';
    for (const u of enabled) {
      const { connection, provider, observedAt, source, enforcementDetail, ...got } = byId.get(u.id)!;
      expect(got, u.userPrincipalName).toEqual(expectedIdentity(u, w.dir, w.config, rule));
      expect(
        source.startsWith(licensed ? 'GET /reports/authenticationMethods/userRegistrationDetails' : 'GET /users'),
      ).toBe(true);
      // Per-user MFA is read only for accounts no policy enforces.
      const byPolicy = ['enforced_policy', 'enforced_security_defaults'].includes(got.enforcementReason);
      const perUser = u.perUserMfaState !== 'disabled' && !byPolicy && !u.breakGlass;
      expect(source.includes('authentication/requirements'), source).toBe(perUser);
      expect(enforcementDetail).toBeTruthy();
    }
    const seen = new Set(run.identities.map((i) => i.enforcementReason));
    for (const reason of REASONS[name]!) expect(seen, reason).toContain(reason);
    expect(run.identities.filter((i) => i.kind === 'break_glass')).toHaveLength(w.dir.counts.breakGlass);
    expect(run.identities.filter((i) => i.kind === 'guest')).toHaveLength(w.dir.counts.guests);
  });

  it('conditional-access policies, exclusions expanded to the users they leave out', () => {
    const policies = w.dir.world.licence === 'free' ? [] : w.dir.conditionalAccessPolicies;
    expect(run.policies.map((p) => p.subject)).toEqual(policies.map((p) => p.id));
    const breakGlass = [...w.dir.users()].filter((u) => u.breakGlass).map((u) => u.id);
    for (const p of policies) {
      const got = run.policies.find((f) => f.subject === p.id)!;
      expect(got, p.displayName).toMatchObject(expectedPolicy(p, w.dir));
      // A policy for workload identities reaches no user, so it has no one to exclude.
      if (!p.conditions.users.includeUsers.includes('None'))
        expect(got.excluded, p.displayName).toEqual(expect.arrayContaining(breakGlass));
      const narrowed = p.grantControls.operator === 'OR' && p.grantControls.builtInControls.length > 1;
      const located = (p.conditions.locations?.excludeLocations.length ?? 0) > 0;
      const c = p.conditions;
      const flows = c.authenticationFlows !== null || c.insiderRiskLevels !== null || c.clientApplications !== null;
      expect(got.conditions.length > 0, p.displayName).toBe(narrowed || located || flows);
    }
    const legacy = run.policies.filter((p) => p.grant === 'block' && p.allUsers);
    for (const p of legacy) expect(p.clientAppTypes).toEqual(['exchangeActiveSync', 'other']);
  });

  it('tenant settings', () => {
    const world = w.dir.world;
    const weak = (['email', 'sms', 'voice'] as const).filter((m) => world.weakMethodsEnabled[m]);
    expect(Object.fromEntries(run.settings.map((s) => [s.subject, s.value]))).toEqual({
      'entra.licence': world.licence,
      'entra.security_defaults': world.securityDefaults,
      'entra.weak_methods': weak.join(','),
      'entra.methods_policy_migration': world.methodsPolicyMigration,
      'entra.conditional_access': world.licence !== 'free',
    });
    for (const s of run.settings) expect(s.scope).toBe(world.tenantId);
  });

  it('log sources: native retention by licence, exports with their retention and boundary, newest events', () => {
    const want = expectedLogs(w.dir, w.sims.scenario.seed);
    expect(run.logs).toHaveLength(want.length);
    for (const [i, log] of run.logs.entries()) expect(log).toMatchObject(want[i]!);
    const native = w.dir.world.licence === 'free' ? 7 : 30;
    for (const [i, log] of run.logs.entries()) {
      const kept = (want[i]!.destinations ?? []).map((d) => (d.retentionDays === 'unknown' ? 0 : d.retentionDays));
      expect(effectiveRetention(log).atLeast).toBe(Math.max(native, ...kept));
    }
  });

  it('gaps only where the licence closes the registration report or PIM', () => {
    const licence = w.dir.world.licence;
    const pim = {
      code: 'licence_required',
      licence: 'Microsoft Entra ID P2 or Microsoft Entra ID Governance',
      covers: ['identity.eligible'],
      source: 'GET /roleManagement/directory/roleEligibilityScheduleInstances',
    };
    if (licence === 'p2') return void expect(run.gaps).toEqual([]);
    if (licence === 'p1') return void expect(run.gaps).toEqual([expect.objectContaining(pim)]);
    expect(run.gaps).toHaveLength(2);
    expect(run.gaps[0]).toMatchObject(pim);
    expect(run.gaps[1]).toMatchObject({
      code: 'licence_required',
      licence: 'Microsoft Entra ID P1 or P2',
      covers: expect.arrayContaining(['identity.mfaRegistered']),
    });
  });
});

describe('ca-edge-cases, user by user', () => {
  let w: World;
  let run: Run;
  beforeAll(async () => {
    w = await startWorld(scenarioOf('ca-edge-cases'));
    run = await collect(w);
  });
  afterAll(() => w?.close());

  it('names what enforces, narrows or excludes, through nested groups', () => {
    const members = (key: string) => [...w.dir.users()].filter((u) => inGroup(w.dir, key, u)).map((u) => u.id);
    const identity = (id: string) => run.identities.find((i) => i.subject === id)!;
    const contractors = members('contractors');
    expect(contractors.length).toBeGreaterThan(0);
    for (const id of contractors) {
      expect(identity(id).enforcementReason).toBe('enforced_policy');
      expect(identity(id).enforcementDetail).toMatch(/all staff/);
    }
    const exempt = members('mfaExemptions');
    expect(exempt.length).toBeGreaterThan(members('kiosks').length);
    for (const id of exempt) {
      expect(identity(id).enforcementReason).toBe('conditional');
      expect(identity(id).enforcementDetail).toMatch(/compliantDevice/);
      expect(identity(id).enforcementDetail).toMatch(/trusted locations/);
    }
  });
});

describe('log exports the presets do not show', () => {
  const sc = scenario.parse({
    name: 'exports',
    now: NOW,
    tenants: [
      {
        name: 'exports',
        entra: {
          tenantId: 'exports',
          domain: 'exports.example',
          users: 10,
          conditionalAccess: [],
          diagnosticSettings: [
            {
              name: 'own-workspace',
              categories: ['AuditLogs', 'SignInLogs'],
              retentionDays: 90,
              separateBoundary: false,
            },
            { name: 'archive', destination: 'storage', categories: ['AuditLogs'], retentionDays: 2555 },
            { name: 'siem', destination: 'event_hub', categories: ['SignInLogs', 'NonInteractiveUserSignInLogs'] },
          ],
        },
      },
    ],
  });
  let w: World;
  beforeAll(async () => {
    w = await startWorld(sc);
  });
  afterAll(() => w?.close());

  it("a workspace in the tenant's own subscription, a storage account and an event hub in the MSP's", async () => {
    const run = await collect(w);
    expect(run.gaps.filter((g) => !g.covers.includes('identity.eligible'))).toEqual([]);
    const want = expectedLogs(w.dir, sc.seed);
    for (const [i, log] of run.logs.entries()) expect(log).toMatchObject(want[i]!);
    const boundaries = new Set(run.logs.flatMap((l) => l.destinations.map((d) => d.boundary)));
    expect(boundaries).toEqual(new Set(['same_admin_domain', 'separate']));
    expect(requests(w, '/subscriptions/{subscriptionId}')).toBe(3);
  });

  it('declared separate subscriptions decide the boundary without asking Resource Manager', async () => {
    const own = diagnosticDestinations(w.dir.world, sc.seed).find((d) => !d.setting.separateBoundary)!;
    const before = requests(w, '/subscriptions/{subscriptionId}');
    const run = await collect(w, { config: { separateSubscriptions: [own.subscriptionId] } });
    for (const d of run.logs.flatMap((l) => l.destinations))
      expect(d.boundary, d.name).toBe(d.name === own.resourceId ? 'separate' : 'same_admin_domain');
    expect(requests(w, '/subscriptions/{subscriptionId}')).toBe(before);
  });
});
