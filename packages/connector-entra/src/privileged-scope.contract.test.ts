import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICE_PROVIDER_SUBJECT } from './collect/identity-fact.ts';
import { collect, type Run, requests, scenarioOf, startWorld, type World } from './contract.fixture.ts';

const BATCH = '/$batch';
const PER_USER = '/beta/users/{id}/authentication/requirements';

describe('privileged-scope on the wire', () => {
  let w: World;
  let run: Run;
  beforeAll(async () => {
    w = await startWorld(scenarioOf('privileged-scope'));
    run = await collect(w);
  });
  afterAll(() => w?.close());

  it('per-user MFA is read only where no policy enforces, twenty users to a $batch', () => {
    const open = run.identities.filter(
      (i) =>
        !['enforced_policy', 'enforced_security_defaults'].includes(i.enforcementReason) && i.kind !== 'break_glass',
    );
    expect(open.length).toBeGreaterThan(20);
    expect(requests(w, PER_USER)).toBe(open.length);
    expect(requests(w, BATCH)).toBe(Math.ceil(open.length / 20));
    const perUser = run.identities.filter((i) => i.enforcementReason === 'enforced_per_user');
    expect(perUser).toHaveLength(3);
    for (const i of perUser) expect(i).toMatchObject({ mfaEnforced: true, enforcementSource: 'per_user' });
    const enabled = run.identities.filter((i) => /per-user MFA is enabled/.test(i.enforcementDetail ?? ''));
    expect(enabled).toHaveLength(2);
    for (const i of enabled) expect(i.mfaEnforced).toBe(false);
  });

  it('eligible holders are privileged and marked eligible', () => {
    const eligible = run.identities.filter((i) => i.eligible);
    expect(eligible.map((i) => i.roles.join()).sort()).toEqual([
      'Global Administrator',
      'Privileged Role Administrator',
    ]);
    for (const i of eligible) expect(i).toMatchObject({ privileged: true, kind: 'human' });
    expect(requests(w, '/v1.0/roleManagement/directory/roleEligibilityScheduleInstances')).toBe(1);
  });

  it('narrowed, single-factor and undeclared custom-control grants enforce nothing, and say why', () => {
    const regular = run.identities.filter((i) => i.enforcementReason === 'conditional');
    expect(regular.length).toBeGreaterThan(0);
    for (const i of regular) {
      expect(i.mfaEnforced).toBe(false);
      expect(i.enforcementDetail).toMatch(/deviceCodeFlow sign-ins/);
      expect(i.enforcementDetail).toMatch(/insider risk elevated/);
      expect(i.enforcementDetail).toMatch(/allows a single factor \(sms\)/);
      expect(i.enforcementDetail).toMatch(/custom control 'duo-mfa' is not declared/);
    }
    const grants = Object.fromEntries(run.policies.map((p) => [p.name, p.grant]));
    expect(grants['Require the MFA (any method) strength']).toBe('other');
    expect(grants['Require Duo MFA']).toBe('other');
  });

  it('a custom control the connection declares as MFA enforces', async () => {
    const declared = await collect(w, { config: { mfaCustomControls: ['duo-mfa'] } });
    for (const i of declared.identities.filter((f) => f.kind !== 'break_glass')) {
      expect(i.enforcementReason, i.name).toBe('enforced_policy');
    }
    expect(declared.policies.find((p) => p.name === 'Require Duo MFA')?.grant).toBe('mfa');
  });

  it('GDAP technicians: the policy for service-provider users reaches them', async () => {
    const gdap = await collect(w, { config: { serviceProviderAccess: true } });
    const sp = gdap.identities.find((i) => i.subject === SERVICE_PROVIDER_SUBJECT)!;
    expect(sp).toMatchObject({ guestType: 'serviceProvider', mspPrincipal: true, mfaEnforced: true });
    expect(sp.enforcementDetail).toMatch(/service-provider users/);
  });

  it('a table kept shorter than its workspace, an export kept by its storage lifecycle rule', () => {
    const log = (category: string) => run.logs.find((l) => l.category === category)!;
    expect(log('sign_in').destinations.map((d) => d.retentionDays)).toEqual([90]);
    expect(log('admin_audit').destinations.map((d) => [d.kind, d.retentionDays])).toEqual([
      ['log_analytics', 365],
      ['storage', 400],
    ]);
  });
});

describe('GDAP technicians where no policy names service-provider users', () => {
  it('an all-users policy reaches them; a role policy cannot be told', async () => {
    const healthy = await startWorld(scenarioOf('healthy'));
    const edge = await startWorld(scenarioOf('admins-unenforced'));
    try {
      const all = await collect(healthy, { config: { serviceProviderAccess: true } });
      expect(all.identities.find((i) => i.subject === SERVICE_PROVIDER_SUBJECT)?.mfaEnforced).toBe(true);
      const none = await collect(edge, { config: { serviceProviderAccess: true } });
      expect(none.identities.find((i) => i.subject === SERVICE_PROVIDER_SUBJECT)?.mfaEnforced).not.toBe(true);
    } finally {
      await healthy.close();
      await edge.close();
    }
  });
});
