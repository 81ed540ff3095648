import { preset } from '@evident/simulators';
import { afterEach, describe, expect, it } from 'vitest';
import { collectAll, gapLines, groundTruth, type Simulation, simulate } from './sim.fixture.ts';

let s: Simulation | undefined;
afterEach(async () => {
  await s?.sim.close();
  s = undefined;
});

const NOT_OFFERED = 'not_supported identity.lastSignIn,identity.phishingResistantRegistered';

describe('SMS as a second factor (2fa_insecure)', () => {
  it('names SMS on exactly the members and outside collaborators GitHub lists, and counts them', async () => {
    s = await simulate(preset('github-sms-2fa'));
    const truth = groundTruth(s);
    const run = await collectAll(s, { enterprise: s.world.org });
    const sms = [...truth.members, ...truth.collaborators].filter((u) => u.twoFactor === 'insecure');
    expect(sms).toHaveLength(4);
    const withSms = run.identities.filter((i) => i.methods.includes('sms'));
    expect(withSms.map((i) => i.name)).toEqual(sms.map((u) => u.login));
    expect(run.identities.filter((i) => i.methods.length > 0)).toHaveLength(4);
    const count = run.facts.find((f) => f.type === 'setting' && f.subject === 'github.insecure_2fa_accounts');
    expect(count).toMatchObject({ value: 4, scope: 'alpineski' });
    expect(gapLines(run)).toEqual([NOT_OFFERED]);
  });

  it('leaves the count unknown to a plain member, with the owner-only gap covering it', async () => {
    s = await simulate(preset('github-non-owner'));
    const run = await collectAll(s);
    const count = run.facts.find((f) => f.type === 'setting' && f.subject === 'github.insecure_2fa_accounts');
    expect(count).toMatchObject({ value: null });
    const gap = run.gaps.find((g) => g.covers.includes('setting.github.insecure_2fa_accounts'));
    expect(gap).toMatchObject({ code: 'permission_missing', permission: 'organization owner' });
  });
});

describe('Enterprise Managed Users', () => {
  it('never fails a managed user on GitHub 2FA: unknown, federated, the gap pointing at the IdP connection', async () => {
    s = await simulate(preset('github-app-emu'));
    const run = await collectAll(s, { managedUsers: { idpConnection: 'fourthcoffee-entra' } });
    expect(run.identities).toHaveLength(20);
    for (const i of run.identities) {
      expect(i.name).toMatch(/_fourth$/);
      expect(i).toMatchObject({ mfaRegistered: 'unknown', mfaEnforced: 'unknown', enforcementSource: 'federated' });
      expect(i.enforcementDetail).toMatch(/fourthcoffee-entra/);
    }
    expect(run.setting).toMatchObject({ subject: 'github.two_factor_requirement', value: null });
    const emu = run.gaps.find((g) => g.code === 'not_supported' && g.covers.includes('identity.mfaEnforced'));
    expect(emu?.message).toMatch(/Enterprise Managed Users org/);
    expect(emu?.remedy).toMatch(/connection fourthcoffee-entra/);
    // GitHub's 2FA filters are not asked: they would list every managed user.
    const filtered = s.sim.accounting.snapshot().requests.find((r) => r.endpoint === 'GET /orgs/{org}/members');
    expect(filtered?.requests).toBe(2);
  });

  it('recognises managed logins without the declaration, and says no IdP connection is named', async () => {
    s = await simulate(preset('github-app-emu'));
    const run = await collectAll(s);
    expect(run.identities.every((i) => i.mfaEnforced === 'unknown')).toBe(true);
    expect(run.gaps.find((g) => g.covers.includes('identity.mfaEnforced'))?.remedy).toMatch(/none is named/);
  });
});
