import { afterEach, describe, expect, it } from 'vitest';
import type { FaultSpec, ScenarioInput } from '../scenario/schema.ts';
import { octokitFor } from './octokit.fixture.ts';
import type { GithubRateLimitOptions } from './rate-limits.ts';
import { type GithubSimulator, startGithubSimulator } from './server.ts';

const TOKEN = 'ghp_acme_owner';
const world = (faults: Partial<FaultSpec> = {}): ScenarioInput => ({
  tenants: [{ name: 'acme', github: { org: 'acme', members: 10 }, faults: { github: faults } }],
});

let sim: GithubSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

/** A clock in the past, so the plugin's wait until `x-ratelimit-reset` (measured on the real clock) is zero. */
function pastClock() {
  const clock = { now: Date.parse('2026-01-01T00:00:00Z') };
  return { clock, now: () => clock.now };
}

async function start(rateLimits: GithubRateLimitOptions, now?: () => number, faults: Partial<FaultSpec> = {}) {
  sim = await startGithubSimulator(world(faults), { rateLimits, ...(now ? { now } : {}) });
  return sim;
}

describe('primary rate limit', () => {
  it('answers 403 with x-ratelimit-remaining 0 once the budget is spent, and the documented message', async () => {
    const s = await start({ limit: 2 });
    const { octokit, handled } = octokitFor(s.url, TOKEN, { onRateLimit: () => false });
    await octokit.rest.orgs.get({ org: 'acme' });
    const second = await octokit.rest.orgs.get({ org: 'acme' });
    expect(second.headers['x-ratelimit-remaining']).toBe('0');
    const refused = await octokit.rest.orgs.get({ org: 'acme' }).catch((e: unknown) => e);
    expect(refused).toMatchObject({
      status: 403,
      response: {
        headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-limit': '2' },
        data: { message: expect.stringMatching(/^API rate limit exceeded for user ID \d+\./), status: '403' },
      },
    });
    expect(handled.primary).toBe(1);
    expect(s.accounting.snapshot().throttles).toMatchObject([{ tenant: 'acme', reason: 'real:primary-rate-limit' }]);
  });

  it('is honoured by the throttling plugin: it waits for the reset and the simulator sees the retry', async () => {
    const { clock, now } = pastClock();
    const s = await start({ limit: 3, windowSeconds: 60 }, now);
    const { octokit, handled } = octokitFor(s.url, TOKEN, {
      onRateLimit: () => {
        clock.now += 61_000;
        return true;
      },
    });
    for (let i = 0; i < 5; i++) await octokit.rest.orgs.get({ org: 'acme' });
    expect(handled.primary).toBe(1);
    expect(s.accounting.total({ endpoint: 'GET /orgs/{org}' })).toBe(6);
    expect(s.accounting.snapshot().requests[0]).toMatchObject({ requests: 6, served: 5 });
  });
});

describe('secondary rate limits', () => {
  it('refuses concurrent requests past the limit with "secondary rate limit" and retry-after; the plugin retries', async () => {
    const s = await start({ concurrent: 1 }, undefined, { latencyMs: 40 });
    const { octokit, handled } = octokitFor(s.url, TOKEN);
    const results = await Promise.all([0, 1, 2].map(() => octokit.rest.orgs.get({ org: 'acme' })));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(handled.secondary).toBeGreaterThanOrEqual(2);
    const throttles = s.accounting.snapshot().throttles;
    expect(throttles.length).toBe(handled.secondary);
    expect(throttles.every((t) => t.reason === 'real:secondary-concurrency' && t.retryAfterSeconds === 60)).toBe(true);
  });

  it('limits points per minute per endpoint, tells the seconds left, and lets other endpoints through', async () => {
    const { clock, now } = pastClock();
    const s = await start({ pointsPerMinute: 2 }, now);
    const waits: number[] = [];
    const { octokit } = octokitFor(s.url, TOKEN, {
      onSecondaryRateLimit: (retryAfter) => {
        waits.push(retryAfter);
        clock.now += retryAfter * 1000;
        return true;
      },
    });
    clock.now += 15_000;
    await octokit.rest.orgs.get({ org: 'acme' });
    await octokit.rest.orgs.get({ org: 'acme' });
    expect((await octokit.rest.orgs.listMembers({ org: 'acme' })).status).toBe(200);
    expect((await octokit.rest.orgs.get({ org: 'acme' })).status).toBe(200);
    expect(waits).toEqual([60]);
    expect(s.accounting.snapshot().throttles).toMatchObject([
      { endpoint: 'GET /orgs/{org}', reason: 'real:secondary-points-per-minute', retryAfterSeconds: 60 },
    ]);
  });

  it('applies no real throttle when the tenant turns them off', async () => {
    const s = await start({ limit: 1, pointsPerMinute: 1 }, undefined, { realThrottles: false });
    const { octokit } = octokitFor(s.url, TOKEN);
    for (let i = 0; i < 4; i++) expect((await octokit.rest.orgs.get({ org: 'acme' })).status).toBe(200);
    expect(s.accounting.snapshot().throttles).toEqual([]);
  });
});
