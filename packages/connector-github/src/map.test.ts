import { ConnectorError } from '@evident/connector-kit';
import { effectiveRetention, gapFact, identityFact, logSourceFact, settingFact, type Tri } from '@evident/core';
import { describe, expect, it } from 'vitest';
import {
  type AuditLogState,
  administers,
  auditLogSources,
  type Directory,
  enforcementOf,
  gapOf,
  identityOf,
  newestEventAt,
  requirementSetting,
  streamDestinations,
} from './map.ts';

const stamp = { connection: 'c1', observedAt: '2026-11-01T12:00:00.000Z' };
const dir = (over: Partial<Directory> = {}): Directory => ({
  requirement: true,
  owners: new Set([1]),
  roleAdmins: new Map(),
  enterpriseOwners: new Map(),
  without2fa: new Set([3]),
  msp: undefined,
  breakGlass: new Set(),
  insecure: new Set([4]),
  managed: undefined,
  ...over,
});
const user = (id: number, login = `user-${id}`, type = 'User') => ({ id, login, type });

describe('SMS and managed users', () => {
  it('names SMS only for an account the 2fa_insecure filter listed', () => {
    expect(identityOf(stamp, user(4), 'member', dir(), 'src').methods).toEqual(['sms']);
    expect(identityOf(stamp, user(5), 'member', dir(), 'src').methods).toEqual([]);
    expect(identityOf(stamp, user(4), 'member', dir({ insecure: undefined }), 'src').methods).toEqual([]);
  });

  it('never fails a managed user on GitHub 2FA: unknown, federated, pointing at the IdP connection', () => {
    const off = dir({ requirement: false, without2fa: new Set([7, 8]) });
    const emu = identityOf(stamp, user(7, 'ada_fourth'), 'member', off, 'src');
    expect(emu).toMatchObject({ mfaRegistered: 'unknown', mfaEnforced: 'unknown', enforcementSource: 'federated' });
    expect(emu.enforcementDetail).toMatch(/none is named/);
    const named = dir({ ...off, managed: { idpConnection: 'fourth-entra' } });
    const declared = identityOf(stamp, user(8, 'plain-login'), 'member', named, 'src');
    expect(declared).toMatchObject({ mfaEnforced: 'unknown', enforcementReason: 'unknown' });
    expect(declared.enforcementDetail).toMatch(/connection fourth-entra/);
    expect(identityFact.safeParse(declared).success).toBe(true);
  });
});

describe('enforcementOf', () => {
  const cases: [boolean | null, Tri, Tri, string, string][] = [
    [true, true, true, 'org_requirement', 'enforced_org_requirement'],
    [true, false, true, 'org_requirement', 'enforced_org_requirement'],
    [true, 'unknown', true, 'org_requirement', 'enforced_org_requirement'],
    [false, true, false, 'none', 'registered_not_enforced'],
    [false, false, false, 'none', 'not_registered'],
    [false, 'unknown', false, 'none', 'unknown'],
    [null, true, 'unknown', 'unknown', 'unknown'],
    [null, false, 'unknown', 'unknown', 'unknown'],
  ];
  it.each(cases)('requirement %s, registered %s → enforced %s (%s, %s)', (req, reg, enforced, source, reason) => {
    expect(enforcementOf(req, reg)).toMatchObject({
      mfaEnforced: enforced,
      enforcementSource: source,
      enforcementReason: reason,
    });
  });

  it('says when an account lacks 2FA although the org requires it', () => {
    expect(enforcementOf(true, false).enforcementDetail).toMatch(/yet GitHub still lists/);
    expect(enforcementOf(true, true).enforcementDetail).not.toMatch(/yet/);
    expect(enforcementOf(null, 'unknown').enforcementDetail).toMatch(/owners only/);
  });
});

describe('identityOf', () => {
  it('maps an owner with 2FA', () => {
    const f = identityOf(stamp, user(1), 'member', dir(), 'GET /orgs/o/members');
    expect(identityFact.parse(f)).toEqual(f);
    expect(f).toMatchObject({
      subject: '1',
      name: 'user-1',
      kind: 'human',
      enabled: true,
      external: false,
      privileged: true,
      roles: ['owner'],
      mfaRegistered: true,
      methods: [],
      phishingResistantRegistered: 'unknown',
      phishingResistantEnforced: false,
      lastSignIn: 'unknown',
      mspPrincipal: 'unknown',
    });
  });

  it('maps a member without 2FA, and leaves what could not be read unknown', () => {
    expect(identityOf(stamp, user(3), 'member', dir(), 's')).toMatchObject({
      privileged: false,
      roles: ['member'],
      mfaRegistered: false,
    });
    const blind = dir({ owners: undefined, without2fa: undefined, requirement: null });
    expect(identityOf(stamp, user(3), 'member', blind, 's')).toMatchObject({
      privileged: 'unknown',
      roles: [],
      mfaRegistered: 'unknown',
      mfaEnforced: 'unknown',
    });
  });

  it('maps an outside collaborator as an external guest, never an owner', () => {
    const f = identityOf(stamp, user(1), 'collaborator', dir({ owners: undefined }), 's');
    expect(f).toMatchObject({ kind: 'guest', external: true, privileged: false, roles: ['outside_collaborator'] });
  });

  it('maps a bot as a service, and a declared break-glass login (any case) as break_glass', () => {
    expect(identityOf(stamp, user(5, 'ci-bot', 'Bot'), 'member', dir(), 's').kind).toBe('service');
    const glass = dir({ breakGlass: new Set(['emergency']) });
    expect(identityOf(stamp, user(6, 'Emergency'), 'member', glass, 's').kind).toBe('break_glass');
  });

  it('knows MSP accounts only when the connection declares them', () => {
    const msp = dir({ msp: new Set(['msp-admin']) });
    expect(identityOf(stamp, user(7, 'MSP-Admin'), 'member', msp, 's').mspPrincipal).toBe(true);
    expect(identityOf(stamp, user(8, 'local'), 'member', msp, 's').mspPrincipal).toBe(false);
    expect(identityOf(stamp, user(8, 'local'), 'member', dir(), 's').mspPrincipal).toBe('unknown');
  });
});

describe('audit log', () => {
  const stream = (over: Record<string, unknown> = {}) => ({ id: 1, stream_type: 'Splunk', enabled: true, ...over });

  it('turns enabled, unpaused streams into separate destinations of unknown retention', () => {
    expect(
      streamDestinations([stream(), stream({ id: 2, enabled: false }), stream({ id: 3, paused_at: '2026-10-01' })]),
    ).toEqual([
      { kind: 'stream', name: 'Splunk (stream 1)', boundary: 'separate', retentionDays: 'unknown', locked: 'unknown' },
    ]);
  });

  it('reads the newest event time, or null for an empty log', () => {
    expect(newestEventAt([{ '@timestamp': Date.parse('2026-10-31T08:00:00Z') }])).toBe('2026-10-31T08:00:00.000Z');
    expect(newestEventAt([{ created_at: Date.parse('2026-10-30T08:00:00Z') }])).toBe('2026-10-30T08:00:00.000Z');
    expect(newestEventAt([])).toBeNull();
  });

  it('describes both logs with the documented retention, and a stream makes the longest retention inexact', () => {
    const state: AuditLogState = {
      lastWebEvent: '2026-10-31T08:00:00.000Z',
      lastGitEvent: null,
      api: true,
      destinations: streamDestinations([stream()]),
    };
    const [web, git] = auditLogSources(stamp, 'o', state, 'GET /enterprises/e/audit-log/streams');
    for (const f of [web, git]) expect(logSourceFact.parse(f)).toEqual(f);
    expect(web).toMatchObject({ category: 'admin_audit', important: true, nativeRetentionDays: 180, locked: true });
    expect(git).toMatchObject({ category: 'git', important: false, nativeRetentionDays: 7, lastEventAt: null });
    expect(web?.source).toMatch(/documented 180 days/);
    expect(web?.source).toMatch(/streams/);
    expect(effectiveRetention(web!)).toEqual({ atLeast: 180, exact: false });
  });

  it('keeps the logs when the API is out of reach: unknown activity, git recording unknown', () => {
    const state: AuditLogState = { lastWebEvent: 'unknown', lastGitEvent: 'unknown', api: 'unknown', destinations: [] };
    const [web, git] = auditLogSources(stamp, 'o', state, '');
    expect(web).toMatchObject({ enabled: true, lastEventAt: 'unknown', destinations: [] });
    expect(git).toMatchObject({ enabled: 'unknown', lastEventAt: 'unknown' });
    expect(effectiveRetention(web!)).toEqual({ atLeast: 180, exact: true });
  });
});

describe('setting and gaps', () => {
  it('keeps a withheld requirement as null', () => {
    const f = requirementSetting(stamp, 'o', null, 'GET /orgs/o');
    expect(settingFact.parse(f)).toEqual(f);
    expect(f).toMatchObject({ subject: 'github.two_factor_requirement', scope: 'o', value: null });
  });

  it('builds a gap naming the permission and how to get it', () => {
    const error = new ConnectorError('permission_missing', 'owners only', { permission: 'organization owner' });
    const g = gapOf(stamp, 'GET /orgs/o', ['identity.mfaRegistered'], error);
    expect(gapFact.parse(g)).toEqual(g);
    expect(g).toMatchObject({ code: 'permission_missing', permission: 'organization owner', provider: 'github' });
    expect(g.remedy).toMatch(/Grant organization owner/);
  });
});

describe('organization roles', () => {
  it('count as administering with an admin base role or any organization permission that is not read-only', () => {
    expect(administers({ base_role: 'admin', permissions: [] })).toBe(true);
    expect(administers({ base_role: 'read', permissions: ['write_organization_custom_org_role'] })).toBe(true);
    expect(administers({ base_role: null, permissions: ['a_permission_github_adds_later'] })).toBe(true);
    expect(administers({ base_role: 'maintain', permissions: ['read_audit_logs'] })).toBe(false);
    expect(administers({ permissions: [] })).toBe(false);
  });

  it('make a member holding one privileged, and an unread role list leaves non-owners unknown, never false', () => {
    const roles = dir({ roleAdmins: new Map([[7, ['org-settings']]]) });
    expect(identityOf(stamp, user(7), 'member', roles, 'src')).toMatchObject({
      privileged: true,
      roles: ['member', 'org-settings'],
    });
    expect(identityOf(stamp, user(8), 'member', roles, 'src').privileged).toBe(false);
    const unread = dir({ roleAdmins: undefined });
    expect(identityOf(stamp, user(8), 'member', unread, 'src').privileged).toBe('unknown');
    expect(identityOf(stamp, user(1), 'member', unread, 'src').privileged).toBe(true);
    expect(identityOf(stamp, user(8), 'collaborator', unread, 'src').privileged).toBe(false);
    expect(identityOf(stamp, user(8), 'member', dir({ owners: undefined }), 'src').privileged).toBe('unknown');
  });
});

describe('enterprise owners', () => {
  const owners = (login: string, role: 'OWNER' | 'DIRECT_MEMBER' | 'UNAFFILIATED') =>
    new Map([[login.toLowerCase(), { login, role }]]);

  it('make a member or an outside collaborator among them privileged; an unread list leaves members unknown', () => {
    const listed = dir({ enterpriseOwners: owners('User-7', 'DIRECT_MEMBER') });
    expect(identityOf(stamp, user(7, 'user-7'), 'member', listed, 'src')).toMatchObject({
      privileged: true,
      roles: ['member', 'enterprise owner'],
    });
    const outside = dir({ enterpriseOwners: owners('user-9', 'UNAFFILIATED') });
    expect(identityOf(stamp, user(9, 'user-9'), 'collaborator', outside, 'src')).toMatchObject({
      privileged: true,
      roles: ['outside_collaborator', 'enterprise owner'],
    });
    const unread = dir({ enterpriseOwners: undefined });
    expect(identityOf(stamp, user(8), 'member', unread, 'src').privileged).toBe('unknown');
    expect(identityOf(stamp, user(8), 'collaborator', unread, 'src').privileged).toBe(false);
  });
});
