import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scenario } from '../scenario/schema.ts';
import { githubAuditLog } from './audit-events.ts';
import { toArray } from './lazy-list.ts';
import { octokitFor } from './octokit.fixture.ts';
import { type SchemaName, schemaErrors } from './openapi.fixture.ts';
import { type GithubSimulator, startGithubSimulator } from './server.ts';
import { githubOrg, githubToken, githubTokens, type MemberFilter, type MemberRole } from './world.ts';

const world = scenario.parse({
  seed: 7,
  now: '2026-11-01T12:00:00Z',
  tenants: [
    {
      name: 'acme',
      github: {
        org: 'acme',
        plan: 'enterprise',
        members: 230,
        owners: 3,
        membersWithout2fa: 17,
        outsideCollaborators: 12,
        collaboratorsWithout2fa: 4,
        twoFactorRequired: false,
        auditLogStreaming: true,
      },
    },
    { name: 'globex', github: { org: 'globex', plan: 'team', members: 40, tokenIsOwner: false, membersWithout2fa: 3 } },
  ],
});
const acme = world.tenants[0]!.github!;
const globex = world.tenants[1]!.github!;
const truth = githubOrg(acme, world.seed);

let sim: GithubSimulator;
beforeAll(async () => {
  sim = await startGithubSimulator(world);
});
afterAll(() => sim.close());

/** Follows every page with Octokit, checking each page's body against GitHub's schema on the way. */
async function allPages(route: string, params: Record<string, unknown>, schema: SchemaName, token = githubToken(acme)) {
  const { octokit } = octokitFor(sim.url, token);
  const items: Record<string, unknown>[] = [];
  for await (const page of octokit.paginate.iterator(route, params)) {
    expect(schemaErrors(schema, page.data)).toEqual([]);
    items.push(...(page.data as Record<string, unknown>[]));
  }
  return items;
}

describe('GET /orgs/{org}', () => {
  it('shows an owner the 2FA requirement, the plan and archived_at, valid against both GitHub schemas', async () => {
    const { data } = await octokitFor(sim.url, githubToken(acme)).octokit.rest.orgs.get({ org: 'acme' });
    expect(data.two_factor_requirement_enabled).toBe(false);
    expect(data.plan?.name).toBe('enterprise');
    expect(data).toHaveProperty('archived_at', null);
    expect(schemaErrors('org', data)).toEqual([]);
    expect(schemaErrors('orgGhec', data)).toEqual([]);
  });

  it('gives a non-owner null for the 2FA requirement and no plan', async () => {
    const { data } = await octokitFor(sim.url, githubToken(globex)).octokit.rest.orgs.get({ org: 'globex' });
    expect(data.two_factor_requirement_enabled).toBeNull();
    expect(data.plan).toBeUndefined();
    expect(schemaErrors('org', data)).toEqual([]);
  });

  it('refuses a bad token with 401 and another org with 404, in GitHub error shape', async () => {
    const bad = octokitFor(sim.url, 'ghp_nobody_owner').octokit.rest.orgs.get({ org: 'acme' });
    await expect(bad).rejects.toMatchObject({
      status: 401,
      response: { data: { message: 'Bad credentials', status: '401' } },
    });
    const other = octokitFor(sim.url, githubToken(acme)).octokit.rest.orgs.get({ org: 'globex' });
    await expect(other).rejects.toMatchObject({ status: 404, response: { data: { message: 'Not Found' } } });
  });
});

describe('member lists', () => {
  const cases: [MemberFilter, MemberRole][] = [
    ['all', 'all'],
    ['2fa_disabled', 'all'],
    ['2fa_insecure', 'all'],
    ['all', 'admin'],
    ['all', 'member'],
    ['2fa_disabled', 'admin'],
    ['2fa_disabled', 'member'],
  ];
  it.each(cases)('pages filter=%s role=%s to the end, matching the world', async (filter, role) => {
    const items = await allPages('GET /orgs/{org}/members', { org: 'acme', filter, role, per_page: 40 }, 'members');
    expect(items.map((u) => u.login)).toEqual(toArray(truth.listMembers(filter, role)).map((u) => u.login));
  });

  it('counts add up: 230 members, 17 without 2FA, 3 owners listed first', async () => {
    const all = await allPages('GET /orgs/{org}/members', { org: 'acme', per_page: 100 }, 'members');
    const gaps = await allPages('GET /orgs/{org}/members', { org: 'acme', filter: '2fa_disabled' }, 'members');
    const admins = await allPages('GET /orgs/{org}/members', { org: 'acme', role: 'admin' }, 'members');
    expect([all.length, gaps.length, admins.length]).toEqual([230, 17, 3]);
    expect(all.slice(0, 3).map((u) => u.login)).toEqual(admins.map((u) => u.login));
  });

  it('pages outside collaborators with the same filters', async () => {
    const all = await allPages('GET /orgs/{org}/outside_collaborators', { org: 'acme', per_page: 5 }, 'collaborators');
    const gaps = await allPages(
      'GET /orgs/{org}/outside_collaborators',
      { org: 'acme', filter: '2fa_disabled' },
      'collaborators',
    );
    expect([all.length, gaps.length]).toEqual([12, 4]);
  });

  it('answers a non-owner 422 "Only owners can use this filter." on the 2FA filters', async () => {
    const { octokit } = octokitFor(sim.url, githubToken(globex));
    for (const call of [
      octokit.rest.orgs.listMembers({ org: 'globex', filter: '2fa_disabled' }),
      octokit.rest.orgs.listOutsideCollaborators({ org: 'globex', filter: '2fa_insecure' }),
    ]) {
      await expect(call).rejects.toMatchObject({
        status: 422,
        response: { data: { message: 'Only owners can use this filter.' } },
      });
    }
    const plain = await octokit.rest.orgs.listMembers({ org: 'globex', per_page: 100 });
    expect(plain.data).toHaveLength(40);
  });

  it('answers 422 Validation Failed, naming the field, for a filter GitHub does not know', async () => {
    const { octokit } = octokitFor(sim.url, githubToken(acme));
    await expect(octokit.request('GET /orgs/acme/members?filter=bogus')).rejects.toMatchObject({
      status: 422,
      response: { data: { message: 'Validation Failed', errors: [{ field: 'filter', code: 'invalid' }] } },
    });
  });

  it('sends absolute Link headers with prev/next/last/first as they apply, and caps per_page at 100', async () => {
    const { octokit } = octokitFor(sim.url, githubToken(acme));
    const rels = (link: string | undefined) =>
      Object.fromEntries([...(link ?? '').matchAll(/<([^>]+)>; rel="(\w+)"/g)].map((m) => [m[2], new URL(m[1]!)]));
    const first = rels((await octokit.rest.orgs.listMembers({ org: 'acme', per_page: 50 })).headers.link);
    expect(Object.keys(first).sort()).toEqual(['last', 'next']);
    expect(first.next!.href.startsWith(`${sim.url}/orgs/acme/members?`)).toBe(true);
    expect(first.last!.searchParams.get('page')).toBe('5');
    const middle = rels((await octokit.rest.orgs.listMembers({ org: 'acme', per_page: 50, page: 2 })).headers.link);
    expect(Object.keys(middle).sort()).toEqual(['first', 'last', 'next', 'prev']);
    const last = rels((await octokit.rest.orgs.listMembers({ org: 'acme', per_page: 50, page: 5 })).headers.link);
    expect(Object.keys(last).sort()).toEqual(['first', 'prev']);
    const capped = await octokit.rest.orgs.listMembers({ org: 'acme', per_page: 500 });
    expect(capped.data).toHaveLength(100);
    expect(schemaErrors('members', capped.data)).toEqual([]);
  });
});

describe('audit log (Enterprise Cloud)', () => {
  const log = githubAuditLog(truth, world.seed, Date.parse(world.now!));

  it('pages the past three months of web events, newest first, through octokit.paginate', async () => {
    const events = await allPages('GET /orgs/{org}/audit-log', { org: 'acme', per_page: 100 }, 'auditLog');
    const expected = Array.from({ length: log.recent }, (_, i) => i).filter((i) => !log.isGit(i));
    expect(events).toHaveLength(expected.length);
    expect(events.map((e) => e._document_id)).toEqual(expected.map((i) => log.event(i)._document_id));
    const stamps = events.map((e) => e['@timestamp'] as number);
    expect(stamps).toEqual([...stamps].sort((a, b) => b - a));
  });

  it('finds the 2FA switch-off with phrase, git events with include, and pages ascending and backwards', async () => {
    const off = await allPages(
      'GET /orgs/{org}/audit-log',
      { org: 'acme', phrase: 'action:org.disable_two_factor_requirement' },
      'auditLog',
    );
    expect(off.map((e) => [e.action, e.actor])).toEqual([['org.disable_two_factor_requirement', 'acme-owner-1']]);
    const enabled = await allPages(
      'GET /orgs/{org}/audit-log',
      { org: 'acme', phrase: 'action:org created:<2026-07-01' },
      'auditLog',
    );
    expect(enabled.map((e) => e.action)).toContain('org.enable_two_factor_requirement');
    const git = await allPages('GET /orgs/{org}/audit-log', { org: 'acme', include: 'git', per_page: 100 }, 'auditLog');
    expect(git.length).toBeGreaterThan(0);
    expect(git.every((e) => String(e.action).startsWith('git.'))).toBe(true);

    const { octokit } = octokitFor(sim.url, githubToken(acme));
    const asc = await octokit.request('GET /orgs/{org}/audit-log', { org: 'acme', order: 'asc', per_page: 3 });
    const ascStamps = (asc.data as { '@timestamp': number }[]).map((e) => e['@timestamp']);
    expect(ascStamps).toEqual([...ascStamps].sort((a, b) => a - b));
    const page1 = await octokit.request('GET /orgs/{org}/audit-log', { org: 'acme', per_page: 5 });
    const next = /<([^>]+)>; rel="next"/.exec(page1.headers.link ?? '')![1]!;
    const page2 = await octokit.request(`GET ${next}`);
    const prev = /<([^>]+)>; rel="prev"/.exec(page2.headers.link ?? '')![1]!;
    const back = await octokit.request(`GET ${prev}`);
    expect(back.data).toEqual(page1.data);
    for (const body of [asc.data, page1.data, page2.data]) expect(schemaErrors('auditLog', body)).toEqual([]);
  });

  it('answers 404 on an org that is not on Enterprise Cloud, and 422 on a phrase it cannot read', async () => {
    const { octokit } = octokitFor(sim.url, githubTokens(globex).owner);
    await expect(octokit.request('GET /orgs/{org}/audit-log', { org: 'globex' })).rejects.toMatchObject({
      status: 404,
    });
    const own = octokitFor(sim.url, githubToken(acme)).octokit;
    await expect(own.request('GET /orgs/{org}/audit-log', { org: 'acme', phrase: 'nonsense' })).rejects.toMatchObject({
      status: 422,
    });
  });

  it('lists one enabled audit-log stream for a streaming enterprise, 404 elsewhere', async () => {
    const { octokit } = octokitFor(sim.url, githubToken(acme));
    const { data } = await octokit.request('GET /enterprises/{enterprise}/audit-log/streams', { enterprise: 'acme' });
    expect(schemaErrors('streams', data)).toEqual([]);
    expect(data).toMatchObject([{ enabled: true, stream_type: 'Splunk' }]);
    const enterpriseLog = await octokit.request('GET /enterprises/{enterprise}/audit-log', {
      enterprise: 'acme',
      per_page: 2,
    });
    expect(schemaErrors('enterpriseAuditLog', enterpriseLog.data)).toEqual([]);
    const other = octokitFor(sim.url, githubTokens(globex).owner).octokit;
    await expect(
      other.request('GET /enterprises/{enterprise}/audit-log/streams', { enterprise: 'globex' }),
    ).rejects.toMatchObject({
      status: 404,
    });
  });
});

describe('token endpoints', () => {
  it('GET /user names the token owner; GET /rate_limit reports the budget without spending it', async () => {
    const { octokit } = octokitFor(sim.url, githubToken(acme));
    const user = await octokit.rest.users.getAuthenticated();
    expect(user.data.login).toBe('acme-owner-1');
    expect(user.headers['x-oauth-scopes']).toContain('admin:org');
    const a = await octokit.rest.rateLimit.get();
    const b = await octokit.rest.rateLimit.get();
    expect(b.data.resources.core.remaining).toBe(a.data.resources.core.remaining);
    expect(a.data.rate.limit).toBe(5_000);
    for (const h of [
      'x-ratelimit-limit',
      'x-ratelimit-remaining',
      'x-ratelimit-reset',
      'x-ratelimit-used',
      'x-ratelimit-resource',
    ]) {
      expect(user.headers[h]).toBeDefined();
    }
  });
});

describe('the schemas bite', () => {
  it('rejects bodies that drift from GitHub’s schemas', async () => {
    const { data } = await octokitFor(sim.url, githubToken(acme)).octokit.rest.orgs.get({ org: 'acme' });
    const { archived_at: _dropped, ...withoutArchivedAt } = data as Record<string, unknown>;
    expect(schemaErrors('org', withoutArchivedAt).join()).toContain("must have required property 'archived_at'");
    expect(schemaErrors('org', { ...data, two_factor_requirement_enabled: 'yes' })).not.toEqual([]);
    expect(schemaErrors('members', [{ login: 'someone', id: 1 }])).not.toEqual([]);
    expect(schemaErrors('auditLog', [{ '@timestamp': '2026-01-01', action: 'org.create' }])).not.toEqual([]);
    expect(schemaErrors('streams', [{ id: 'one', enabled: 'yes' }])).not.toEqual([]);
  });
});
