import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { githubWorld } from '../scenario/schema.ts';
import { githubAuditLog } from './audit-events.ts';
import { AuditQueryError, auditPage, parsePhrase } from './audit-query.ts';
import { spread, toArray } from './lazy-list.ts';
import { startGithubSimulator } from './server.ts';
import { GithubScenarioError } from './tenants.ts';
import { githubOrg, githubToken, githubTokens, parseGithubToken } from './world.ts';

describe('spread', () => {
  it('chooses exactly min(k, n) positions, in order, with consistent membership and counts', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 400 }), fc.integer({ min: 0, max: 450 }), (n, k) => {
        const s = spread(n, k);
        const chosen = Array.from({ length: n }, (_, r) => r).filter((r) => s.has(r));
        expect(chosen).toHaveLength(Math.min(k, n));
        expect(chosen).toEqual(Array.from({ length: s.k }, (_, j) => s.nth(j)));
        for (const r of [0, Math.floor(n / 2), n]) expect(s.countBelow(r)).toBe(chosen.filter((c) => c < r).length);
      }),
    );
  });
});

describe('githubOrg', () => {
  const worlds = fc.record({
    members: fc.integer({ min: 0, max: 300 }),
    owners: fc.integer({ min: 0, max: 6 }),
    membersWithout2fa: fc.integer({ min: 0, max: 60 }),
    outsideCollaborators: fc.integer({ min: 0, max: 40 }),
    collaboratorsWithout2fa: fc.integer({ min: 0, max: 10 }),
    membersWithInsecure2fa: fc.integer({ min: 0, max: 40 }),
    collaboratorsWithInsecure2fa: fc.integer({ min: 0, max: 10 }),
  });

  it('keeps every filtered list consistent with the members themselves', () => {
    fc.assert(
      fc.property(worlds, fc.integer(), (w, seed) => {
        const org = githubOrg(githubWorld.parse({ org: 'acme', ...w }), seed);
        const all = toArray(org.members);
        const gaps = all.filter((u) => u.twoFactor === 'disabled');
        expect(gaps).toHaveLength(Math.min(w.membersWithout2fa, w.members));
        expect(toArray(org.listMembers('2fa_disabled', 'all'))).toEqual(gaps);
        expect(toArray(org.listMembers('2fa_disabled', 'admin'))).toEqual(gaps.filter((u) => u.owner));
        expect(toArray(org.listMembers('2fa_disabled', 'member'))).toEqual(gaps.filter((u) => !u.owner));
        expect(toArray(org.listMembers('all', 'admin'))).toEqual(all.filter((u) => u.owner));
        const sms = all.filter((u) => u.twoFactor === 'insecure');
        expect(sms).toHaveLength(Math.min(w.membersWithInsecure2fa, all.length - gaps.length));
        expect(toArray(org.listMembers('2fa_insecure', 'all'))).toEqual(sms);
        expect(toArray(org.listMembers('2fa_insecure', 'admin'))).toEqual(sms.filter((u) => u.owner));
        expect(toArray(org.listMembers('2fa_insecure', 'member'))).toEqual(sms.filter((u) => !u.owner));
        expect(new Set(all.map((u) => u.login)).size).toBe(all.length);
        const collaborators = toArray(org.collaborators);
        expect(toArray(org.listCollaborators('2fa_disabled'))).toEqual(
          collaborators.filter((u) => u.twoFactor === 'disabled'),
        );
        expect(toArray(org.listCollaborators('2fa_insecure'))).toEqual(
          collaborators.filter((u) => u.twoFactor === 'insecure'),
        );
      }),
      { numRuns: 60 },
    );
  });

  it('gives an Enterprise Managed Users org suffixed logins, all listed without GitHub 2FA', () => {
    const org = githubOrg(githubWorld.parse({ org: 'acme', members: 5, managedUsers: { shortcode: 'acme' } }), 1);
    const all = toArray(org.members);
    expect(all.every((u) => u.login.endsWith('_acme'))).toBe(true);
    expect(toArray(org.listMembers('2fa_disabled', 'all'))).toEqual(all);
  });

  it('is a pure function of the world and the seed', () => {
    const w = githubWorld.parse({ org: 'acme', members: 50, membersWithout2fa: 5 });
    expect(toArray(githubOrg(w, 3).members)).toEqual(toArray(githubOrg(w, 3).members));
    expect(githubOrg(w, 3).id).not.toBe(githubOrg(w, 4).id);
  });

  it('refuses a scenario where two tenants claim the same org', async () => {
    const tenant = (name: string) => ({ name, github: { org: 'Shared', members: 1 } });
    await expect(
      startGithubSimulator({ tenants: [tenant('x'), { ...tenant('y'), github: { org: 'shared', members: 1 } }] }),
    ).rejects.toBeInstanceOf(GithubScenarioError);
  });

  it('issues one owner and one member token per org, and the scenario says which the connector uses', () => {
    const w = githubWorld.parse({ org: 'my-org', members: 3 });
    expect(githubTokens(w)).toEqual({ owner: 'ghp_my-org_owner', member: 'ghp_my-org_member' });
    expect(githubToken(w)).toBe('ghp_my-org_owner');
    expect(githubToken({ ...w, tokenIsOwner: false })).toBe('ghp_my-org_member');
    expect(parseGithubToken('ghp_my-org_member')).toEqual({ org: 'my-org', owner: false, ssoAuthorized: true });
    expect(githubToken({ ...w, tokenState: 'sso_unauthorized' })).toBe('ghp_my-org_owner_nosso');
    expect(parseGithubToken('ghp_my-org_owner_nosso')).toEqual({ org: 'my-org', owner: true, ssoAuthorized: false });
    expect(parseGithubToken(githubToken({ ...w, tokenState: 'revoked' }))).toBeUndefined();
    expect(parseGithubToken('gho_other')).toBeUndefined();
  });
});

describe('audit log', () => {
  const now = Date.parse('2026-11-01T00:00:00Z');
  const org = githubOrg(
    githubWorld.parse({ org: 'acme', plan: 'enterprise', members: 40, twoFactorRequired: false }),
    5,
  );
  const log = githubAuditLog(org, 5, now);

  it('runs newest first, keeps git events to the past week, and records the 2FA story', () => {
    const stamps = Array.from({ length: log.total }, (_, i) => log.event(i)['@timestamp']);
    expect(stamps.every((t, i) => i === 0 || t < stamps[i - 1]!)).toBe(true);
    const gitAges = Array.from({ length: log.total }, (_, i) => i)
      .filter(log.isGit)
      .map((i) => now - stamps[i]!);
    expect(Math.max(...gitAges)).toBeLessThan(7 * 86_400_000);
    const actions = Array.from({ length: log.total }, (_, i) => log.event(i).action);
    expect(actions.filter((a) => a.includes('two_factor'))).toEqual([
      'org.disable_two_factor_requirement',
      'org.enable_two_factor_requirement',
    ]);
  });

  it('filters with the search qualifiers it supports and refuses the rest', () => {
    const e = log.event(3);
    expect(parsePhrase(`actor:${e.actor} action:${e.action.split('.')[0]}`)(e)).toBe(true);
    expect(parsePhrase(`-actor:${e.actor}`)(e)).toBe(false);
    expect(parsePhrase('created:>=2026-10-01')(e)).toBe(true);
    expect(parsePhrase('created:2020-01-01..2020-12-31')(e)).toBe(false);
    expect(() => parsePhrase('repository_owner:x')).toThrow(AuditQueryError);
    expect(() => auditPage(log, { include: 'web', order: 'desc', perPage: 5, after: 'bm9wZQ' })).toThrow(
      AuditQueryError,
    );
  });
});
