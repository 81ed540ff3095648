import { preset } from '@evident/simulators';
import { afterEach, describe, expect, it } from 'vitest';
import { collectAll, gapLines, groundTruth, type Run, type Simulation, simulate } from './sim.fixture.ts';

let s: Simulation | undefined;
afterEach(async () => {
  await s?.sim.close();
  s = undefined;
});

const AUDIT_GAP = 'logSource.admin_audit.lastEventAt,logSource.git.enabled,logSource.git.lastEventAt';
const NOT_OFFERED = 'not_supported identity.lastSignIn,identity.phishingResistantRegistered';

function bySubject(run: Run) {
  return new Map(run.identities.map((i) => [i.subject, i]));
}

/** Requests per endpoint, as the simulator counted them. */
function requests(sim: Simulation) {
  return Object.fromEntries(sim.sim.accounting.snapshot().requests.map((r) => [r.endpoint, r.requests]));
}

describe('healthy (Enterprise Cloud, 2FA required, audit log streamed)', () => {
  it('reads the requirement, every member, the audit log and its stream, with only the unoffered fields as gaps', async () => {
    s = await simulate(preset('healthy'));
    const truth = groundTruth(s);
    const run = await collectAll(s, { enterprise: s.world.org });

    expect(run.setting).toMatchObject({ subject: 'github.two_factor_requirement', value: true, scope: 'northwind' });
    expect(run.identities).toHaveLength(truth.members.length);
    const ids = bySubject(run);
    for (const m of truth.members) {
      expect(ids.get(String(m.id))).toMatchObject({
        name: m.login,
        kind: 'human',
        privileged: m.owner,
        roles: [m.owner ? 'owner' : 'member'],
        mfaRegistered: true,
        mfaEnforced: true,
        enforcementSource: 'org_requirement',
        enforcementReason: 'enforced_org_requirement',
        phishingResistantEnforced: false,
        phishingResistantRegistered: 'unknown',
        mspPrincipal: 'unknown',
        lastSignIn: 'unknown',
      });
    }
    const stream = { kind: 'stream', boundary: 'separate', retentionDays: 'unknown', locked: 'unknown' };
    expect(run.logs).toMatchObject([
      {
        category: 'admin_audit',
        important: true,
        enabled: true,
        nativeRetentionDays: 180,
        lastEventAt: truth.lastWebEvent,
        destinations: [{ ...stream, name: 'Splunk (stream 1)' }],
      },
      {
        category: 'git',
        important: false,
        enabled: true,
        nativeRetentionDays: 7,
        lastEventAt: truth.lastGitEvent,
        destinations: [{ ...stream, name: 'Splunk (stream 1)' }],
      },
    ]);
    expect(gapLines(run)).toEqual([NOT_OFFERED]);
    // Every call went through Octokit to the documented endpoints, one page each for an org this size.
    expect(requests(s)).toEqual({
      'GET /orgs/{org}': 1,
      'GET /orgs/{org}/members': 4,
      'GET /orgs/{org}/outside_collaborators': 3,
      'GET /orgs/{org}/organization-roles': 1,
      // GitHub's predefined all_repo_admin and security_manager administer; nobody holds them here.
      'GET /orgs/{org}/organization-roles/{role_id}/users': 2,
      'GET /orgs/{org}/audit-log': 2,
      'GET /enterprises/{enterprise}/audit-log/streams': 1,
      // The enterprise's owners, which only GraphQL lists: none declared here.
      'POST /graphql': 1,
    });
    expect(run.progress.at(-1)).toMatchObject({ pages: 9, throttleWaits: 0 });
  });

  it('without the enterprise named, says the streams are unknown and why', async () => {
    s = await simulate(preset('healthy'));
    const run = await collectAll(s);
    expect(run.logs.map((l) => l.destinations)).toEqual([[], []]);
    const gap = run.gaps.find((g) => g.covers.includes('logSource.admin_audit.destinations'));
    expect(gap).toMatchObject({ code: 'permission_missing', permission: 'admin:enterprise' });
    expect(gap?.remedy).toMatch(/enterprise/);
  });
});

describe('admins-unenforced (Team plan, 2FA not required)', () => {
  it('lists who has no 2FA as not registered, and keeps the audit log with its documented retention', async () => {
    s = await simulate(preset('admins-unenforced'));
    const truth = groundTruth(s);
    const run = await collectAll(s);

    expect(run.setting).toMatchObject({ value: false });
    const ids = bySubject(run);
    const without = truth.members.filter((m) => m.twoFactor === 'disabled');
    expect(without).toHaveLength(7);
    for (const m of truth.members) {
      const off = m.twoFactor === 'disabled';
      expect(ids.get(String(m.id))).toMatchObject({
        mfaRegistered: !off,
        mfaEnforced: false,
        enforcementSource: 'none',
        enforcementReason: off ? 'not_registered' : 'registered_not_enforced',
      });
    }
    expect(run.logs).toMatchObject([
      { category: 'admin_audit', enabled: true, nativeRetentionDays: 180, lastEventAt: 'unknown', destinations: [] },
      { category: 'git', enabled: 'unknown', nativeRetentionDays: 7, lastEventAt: 'unknown', destinations: [] },
    ]);
    expect(run.logs[0]?.source).toMatch(/GitHub's documented 180 days/);
    expect(gapLines(run)).toEqual([NOT_OFFERED, `licence_required ${AUDIT_GAP}`]);
    expect(run.gaps[1]).toMatchObject({ licence: 'GitHub Enterprise Cloud' });
  });
});

describe('github-non-owner (the token is a plain member’s)', () => {
  it('never reads a withheld 2FA state as off: unknown, with one gap naming the owner role', async () => {
    s = await simulate(preset('github-non-owner'));
    const truth = groundTruth(s);
    const run = await collectAll(s);

    expect(run.setting).toMatchObject({ value: null });
    expect(run.identities).toHaveLength(truth.members.length);
    for (const i of run.identities) {
      expect(i).toMatchObject({ mfaRegistered: 'unknown', mfaEnforced: 'unknown', enforcementReason: 'unknown' });
    }
    const owners = run.identities.filter((i) => i.privileged === true).map((i) => i.name);
    expect(owners).toEqual(truth.members.filter((m) => m.owner).map((m) => m.login));
    expect(gapLines(run)).toEqual([
      'permission_missing setting.github.two_factor_requirement,identity.mfaEnforced',
      'permission_missing identity.privileged',
      'permission_missing identity.mfaRegistered,setting.github.insecure_2fa_accounts,identity.methods',
      NOT_OFFERED,
      `permission_missing ${AUDIT_GAP}`,
    ]);
    for (const g of run.gaps.filter((g) => g.code === 'permission_missing')) {
      expect(g.permission).toBe('organization owner');
    }
    // The collaborators' 2FA filter would fail alike, so it is not asked.
    expect(requests(s)['GET /orgs/{org}/outside_collaborators']).toBe(1);
  });
});

describe('declared accounts and outside collaborators', () => {
  it('marks the MSP and break-glass accounts, case-insensitively', async () => {
    s = await simulate(preset('msp-internal'));
    const run = await collectAll(s, {
      mspLogins: ['CONTOSO-MSP-owner-1', 'contoso-msp-dev-1'],
      breakGlassLogins: ['Contoso-MSP-Owner-2'],
    });
    const byName = new Map(run.identities.map((i) => [i.name, i]));
    expect(byName.get('contoso-msp-owner-1')).toMatchObject({ mspPrincipal: true, kind: 'human', privileged: true });
    expect(byName.get('contoso-msp-owner-2')).toMatchObject({ mspPrincipal: false, kind: 'break_glass' });
    expect(byName.get('contoso-msp-dev-1')).toMatchObject({ mspPrincipal: true, privileged: false });
    expect(run.identities.filter((i) => i.mspPrincipal === true)).toHaveLength(2);
  });

  it('reports outside collaborators as external guests with their own 2FA state', async () => {
    const github = { org: 'adventure', members: 12, outsideCollaborators: 5, collaboratorsWithout2fa: 2 };
    s = await simulate({ tenants: [{ name: 'adventure', github: { ...github, twoFactorRequired: false } }] });
    const truth = groundTruth(s);
    const run = await collectAll(s);
    const guests = run.identities.filter((i) => i.kind === 'guest');
    expect(guests.map((g) => g.subject)).toEqual(truth.collaborators.map((c) => String(c.id)));
    for (const c of truth.collaborators) {
      expect(guests.find((g) => g.subject === String(c.id))).toMatchObject({
        external: true,
        privileged: false,
        roles: ['outside_collaborator'],
        mfaRegistered: c.twoFactor === 'enabled',
      });
    }
  });

  it('says so when the org requires 2FA yet GitHub still lists an account without it', async () => {
    const github = { org: 'lapsed', members: 10, membersWithout2fa: 2, twoFactorRequired: true };
    s = await simulate({ tenants: [{ name: 'lapsed', github }] });
    const run = await collectAll(s);
    const lapsed = run.identities.filter((i) => i.mfaRegistered === false);
    expect(lapsed).toHaveLength(2);
    for (const i of lapsed) {
      expect(i).toMatchObject({ mfaEnforced: true, enforcementSource: 'org_requirement' });
      expect(i.enforcementDetail).toMatch(/still lists this account without 2FA/);
    }
  });
});
