import type { IdentityFact } from '@evident/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createGithubConnector } from '../connector.ts';
import { collectAll, FAST, groundTruth, type Simulation, simulate } from './sim.fixture.ts';

const WORLD = {
  tenants: [
    {
      name: 'bigorg',
      github: {
        org: 'bigorg',
        members: 650,
        owners: 3,
        membersWithout2fa: 4,
        outsideCollaborators: 120,
        collaboratorsWithout2fa: 3,
        twoFactorRequired: false,
      },
    },
  ],
};

let s: Simulation | undefined;
afterEach(async () => {
  await s?.sim.close();
  s = undefined;
});

const memberRequests = (sim: Simulation) => sim.sim.accounting.total({ endpoint: 'GET /orgs/{org}/members' });

describe('paging through Octokit', () => {
  it('follows every Link page of the member and collaborator lists and counts them in progress', async () => {
    s = await simulate(WORLD);
    const truth = groundTruth(s);
    const run = await collectAll(s);
    const members = run.identities.filter((i) => i.kind !== 'guest');
    const guests = run.identities.filter((i) => i.kind === 'guest');
    expect(members.map((i) => i.subject)).toEqual(truth.members.map((m) => String(m.id)));
    expect(guests.map((i) => i.subject)).toEqual(truth.collaborators.map((c) => String(c.id)));
    const off = (list: IdentityFact[]) => list.filter((i) => i.mfaRegistered === false).map((i) => i.subject);
    expect(off(members)).toEqual(truth.members.filter((m) => m.twoFactor === 'disabled').map((m) => String(m.id)));
    expect(off(guests)).toEqual(truth.collaborators.filter((m) => m.twoFactor === 'disabled').map((m) => String(m.id)));
    // owners 1 + two 2FA filters 2 + members 7, collaborators' two 2FA filters 2 + collaborators 2.
    expect(memberRequests(s)).toBe(10);
    expect(s.sim.accounting.total({ endpoint: 'GET /orgs/{org}/outside_collaborators' })).toBe(4);
    // And the holders of the two predefined roles that administer, one empty page each.
    expect(run.progress.at(-1)?.pages).toBe(16);
    // Each page is reported as it arrives, one at a time.
    const pagesSeen = [...new Set(run.progress.map((p) => p.pages))];
    expect(pagesSeen).toEqual(Array.from({ length: 17 }, (_, i) => i));
  });

  it('streams members page by page: the first identity arrives with at most two pages read ahead', async () => {
    s = await simulate(WORLD);
    const { ctx } = s.context();
    const it = createGithubConnector(FAST).collect(ctx)[Symbol.asyncIterator]();
    let next = await it.next();
    while (!next.done && next.value.type !== 'identity') next = await it.next();
    expect(next.value).toMatchObject({ type: 'identity', name: 'bigorg-owner-1' });
    // owners, the two 2FA filters, the first page of members and at most two more read ahead, of seven.
    expect(memberRequests(s)).toBeGreaterThanOrEqual(4);
    expect(memberRequests(s)).toBeLessThanOrEqual(6);
    await it.return?.(undefined);
  });
});

describe('bounds', () => {
  it('holds at most maxHeldIds of a small list; past it, registration is unknown with a gap saying why', async () => {
    s = await simulate(WORLD);
    const run = await collectAll(s, {}, { ...FAST, maxHeldIds: 3 });
    const gap = run.gaps.find((g) => g.covers.includes('identity.mfaRegistered'));
    expect(gap).toMatchObject({ code: 'not_supported' });
    expect(gap?.message).toMatch(/more than 3 accounts/);
    expect(run.identities.every((i) => i.mfaRegistered === 'unknown')).toBe(true);
    expect(run.identities.filter((i) => i.privileged === true)).toHaveLength(3);
  });

  it('stops when the collection is cancelled', async () => {
    s = await simulate(WORLD, { faults: { latencyMs: 20 } });
    const controller = new AbortController();
    const ctx = { ...s.context().ctx, signal: controller.signal };
    const it = createGithubConnector(FAST).collect(ctx)[Symbol.asyncIterator]();
    let next = await it.next();
    while (!next.done && next.value.type !== 'identity') next = await it.next();
    const before = s.sim.accounting.total();
    controller.abort();
    await expect(async () => {
      for (let i = 0; i < 1_000; i++) if ((await it.next()).done) return;
    }).rejects.toThrow();
    expect(s.sim.accounting.total()).toBeLessThanOrEqual(before + 1);
  });
});
