import { afterEach, describe, expect, it } from 'vitest';
import type { FaultSpec } from '../scenario/schema.ts';
import { octokitFor } from './octokit.fixture.ts';
import { GITHUB_PERMISSIONS } from './routes.ts';
import { type GithubSimulator, startGithubSimulator } from './server.ts';

const TOKEN = 'ghp_acme_owner';
let sim: GithubSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function withFaults(faults: Partial<FaultSpec>) {
  sim = await startGithubSimulator({
    seed: 11,
    tenants: [
      {
        name: 'acme',
        github: { org: 'acme', plan: 'enterprise', members: 30, membersWithout2fa: 2, auditLogStreaming: true },
        faults: { github: faults },
      },
    ],
  });
  return sim;
}

const served = (s: GithubSimulator) => s.accounting.snapshot().requests.reduce((n, c) => n + c.served, 0);

describe('GitHub fault injection', () => {
  it('latency: answers no sooner than the configured delay', async () => {
    const s = await withFaults({ latencyMs: 120 });
    const started = performance.now();
    await octokitFor(s.url, TOKEN).octokit.rest.orgs.get({ org: 'acme' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(115);
  });

  it('throttle: a 429 secondary rate limit the plugin retries after retry-after', async () => {
    const s = await withFaults({ throttleShare: 1 });
    const { octokit, handled } = octokitFor(s.url, TOKEN, {
      onSecondaryRateLimit: (retryAfter) => {
        expect(retryAfter).toBe(1);
        s.faults.set('acme', {});
        return true;
      },
    });
    const { status } = await octokit.rest.orgs.get({ org: 'acme' });
    expect([status, handled.secondary]).toEqual([200, 1]);
    expect(s.accounting.snapshot().throttles).toMatchObject([{ reason: 'fault:throttle', retryAfterSeconds: 1 }]);
    expect(s.accounting.total({ tenant: 'acme' })).toBe(2);
  });

  it('server_error: 502/503 that the retry plugin retries before giving up', async () => {
    const s = await withFaults({ serverErrorShare: 1 });
    const failure = await octokitFor(s.url, TOKEN, { retries: 2 })
      .octokit.rest.orgs.get({ org: 'acme' })
      .catch((e: unknown) => e);
    expect(failure).toMatchObject({ status: expect.toBeOneOf([502, 503]) });
    expect(s.accounting.total({ tenant: 'acme' })).toBe(3);
    expect(served(s)).toBe(0);
  });

  it('timeout: never answers; the client gives up and close() still ends', async () => {
    const s = await withFaults({ timeoutShare: 1 });
    const { octokit } = octokitFor(s.url, TOKEN, { signal: AbortSignal.timeout(150), retries: 0 });
    await expect(octokit.rest.orgs.get({ org: 'acme' })).rejects.toMatchObject({
      message: expect.stringMatching(/aborted/),
    });
    const pending = octokitFor(s.url, TOKEN, { retries: 0 }).octokit.rest.orgs.get({ org: 'acme' });
    const deadline = Date.now() + 5_000;
    while (s.accounting.total({ tenant: 'acme' }) < 2 && Date.now() < deadline)
      await new Promise((r) => setImmediate(r));
    expect(s.accounting.total({ tenant: 'acme' })).toBe(2);
    await s.close();
    await expect(pending).rejects.toBeDefined();
    sim = undefined;
  });

  it('reset: the socket is destroyed mid-request', async () => {
    const s = await withFaults({ resetShare: 1 });
    const failure = await octokitFor(s.url, TOKEN, { retries: 0 })
      .octokit.rest.orgs.get({ org: 'acme' })
      .catch((e: unknown) => e);
    expect(failure).toMatchObject({
      status: 500,
      message: expect.stringMatching(/other side closed|socket|fetch failed/i),
    });
    expect(s.accounting.snapshot().requests).toMatchObject([{ requests: 1, served: 0 }]);
  });

  it('truncate: half a JSON body arrives, which is not JSON', async () => {
    const s = await withFaults({ truncateShare: 1 });
    const { data } = await octokitFor(s.url, TOKEN).octokit.rest.orgs.get({ org: 'acme' });
    expect(typeof data).toBe('string');
    expect(() => JSON.parse(data as unknown as string)).toThrow();
    expect(data as unknown as string).toMatch(/^\{"login":"acme"/);
  });

  it('token_expired: 401 Bad credentials after the configured number of requests', async () => {
    const s = await withFaults({ tokenExpiresAfter: 2 });
    const { octokit } = octokitFor(s.url, TOKEN);
    await octokit.rest.orgs.get({ org: 'acme' });
    await octokit.rest.users.getAuthenticated();
    await expect(octokit.rest.orgs.get({ org: 'acme' })).rejects.toMatchObject({
      status: 401,
      response: { data: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' } },
    });
  });

  it('revoked members:read: member lists answer 404, the org itself still reads', async () => {
    const s = await withFaults({ revokePermission: { after: 0, permission: GITHUB_PERMISSIONS.members } });
    const { octokit } = octokitFor(s.url, TOKEN);
    expect((await octokit.rest.orgs.get({ org: 'acme' })).data.two_factor_requirement_enabled).toBe(true);
    await expect(octokit.rest.orgs.listMembers({ org: 'acme' })).rejects.toMatchObject({ status: 404 });
    await expect(octokit.rest.orgs.listOutsideCollaborators({ org: 'acme' })).rejects.toMatchObject({ status: 404 });
  });

  it('revoked administration:read: 2FA turns null, 2FA filters 422, the audit log 403', async () => {
    const s = await withFaults({ revokePermission: { after: 1, permission: GITHUB_PERMISSIONS.administration } });
    const { octokit } = octokitFor(s.url, TOKEN);
    expect((await octokit.rest.orgs.get({ org: 'acme' })).data.two_factor_requirement_enabled).toBe(true);
    expect((await octokit.rest.orgs.get({ org: 'acme' })).data.two_factor_requirement_enabled).toBeNull();
    await expect(octokit.rest.orgs.listMembers({ org: 'acme', filter: '2fa_disabled' })).rejects.toMatchObject({
      status: 422,
    });
    await expect(octokit.request('GET /orgs/{org}/audit-log', { org: 'acme' })).rejects.toMatchObject({
      status: 403,
      response: { data: { message: 'Resource not accessible by integration' } },
    });
  });

  it('revoked enterprise_administration:read: the enterprise endpoints answer 403', async () => {
    const s = await withFaults({
      revokePermission: { after: 0, permission: GITHUB_PERMISSIONS.enterpriseAdministration },
    });
    const { octokit } = octokitFor(s.url, TOKEN);
    await expect(
      octokit.request('GET /enterprises/{enterprise}/audit-log/streams', { enterprise: 'acme' }),
    ).rejects.toMatchObject({
      status: 403,
    });
    expect((await octokit.request('GET /orgs/{org}/audit-log', { org: 'acme', per_page: 1 })).status).toBe(200);
  });
});
