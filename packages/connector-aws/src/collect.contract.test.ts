import { fact } from '@evident/core';
import { awsWorld } from '@evident/simulators/aws';
import { afterEach, describe, expect, it } from 'vitest';
import { collectAll, contextFor, gaps, identities, logSources, simulate } from './contract.fixture.ts';

const started: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.close()));
});

describe('collect against the AWS simulator', () => {
  it('reads a healthy account through the assumed role: root, users, the trail and where it delivers', async () => {
    const sim = await simulate(awsWorld('healthy'));
    started.push(sim);
    const facts = await collectAll(contextFor(sim));
    for (const f of facts) expect(() => fact.parse(f)).not.toThrow();
    expect(gaps(facts)).toEqual([]);

    const people = identities(facts);
    const root = people.find((p) => p.subject === 'arn:aws:iam::111111111111:root')!;
    expect(root).toMatchObject({
      privileged: true,
      mfaRegistered: true,
      mfaEnforced: true,
      phishingResistantRegistered: 'unknown',
    });
    expect(root.methods).toEqual(['hardware_or_security_key']);

    const alice = people.find((p) => p.name === 'alice')!;
    expect(alice).toMatchObject({
      kind: 'human',
      privileged: true,
      roles: ['AdministratorAccess'],
      mfaEnforced: true,
      enforcementSource: 'policy',
      phishingResistantRegistered: true,
    });
    expect(people.find((p) => p.name === 'deploy')).toMatchObject({ kind: 'service', privileged: false });

    const [log] = logSources(facts);
    expect(log).toMatchObject({ category: 'admin_audit', enabled: true, nativeRetentionDays: 90 });
    expect(log!.lastEventAt).toBe(sim.world.accounts[0]!.lastEvent);
    const s3 = log!.destinations.find((d) => d.kind === 'storage')!;
    expect(s3).toMatchObject({
      name: 's3://log-archive-trail/ct/AWSLogs/',
      boundary: 'separate',
      retentionDays: 400,
      locked: true,
      lockedDays: 365,
    });
    expect(s3.lastDeliveredAt).toMatch(/^\d{4}-/);
    expect(log!.destinations.find((d) => d.kind === 'log_bucket')).toMatchObject({
      boundary: 'same_admin_domain',
      retentionDays: 365,
      locked: false,
    });
    expect(sim.calls.get('sts:AssumeRole')).toBe(1);
  });

  it('reads the weak preset as AWS states it: root without MFA, a one-region trail left out, the shortest expiration', async () => {
    const sim = await simulate(awsWorld('weak'));
    started.push(sim);
    const facts = await collectAll(contextFor(sim));
    const root = identities(facts).find((p) => p.roles.includes('root user'))!;
    expect(root).toMatchObject({ mfaRegistered: false, mfaEnforced: false, phishingResistantRegistered: false });
    expect(identities(facts).find((p) => p.name === 'carol')).toMatchObject({
      kind: 'human',
      mfaEnforced: false,
      enforcementReason: 'not_registered',
    });
    const [log] = logSources(facts);
    // Only the all-region trail is a destination; its bucket's broader rule deletes after 30 days, the disabled one never.
    expect(log!.destinations.map((d) => [d.kind, d.retentionDays, d.locked])).toEqual([
      ['storage', 30, false],
      ['log_bucket', 30, false],
    ]);
  });

  it("tells root's virtual MFA device from a hardware one, and claims phishing resistance for neither", async () => {
    const world = awsWorld('healthy');
    world.accounts[0]!.rootMfa = 'virtual';
    const sim = await simulate(world);
    started.push(sim);
    const root = identities(await collectAll(contextFor(sim))).find((p) => p.roles.includes('root user'))!;
    expect(root).toMatchObject({ methods: ['virtual_mfa'], phishingResistantRegistered: 'unknown', mfaEnforced: true });
    expect(sim.calls.get('iam:ListVirtualMFADevices')).toBe(1);
  });

  it('counts a CloudTrail Lake store of every region’s management events as a destination, and no other store', async () => {
    const world = awsWorld('healthy');
    const store = { retentionDays: 2557, multiRegion: true, management: true, enabled: true };
    world.accounts[0]!.eventDataStores = [
      { name: 'all-management', ...store },
      { name: 'stopped', ...store, enabled: false },
      { name: 'one-region', ...store, multiRegion: false },
      { name: 'data-only', ...store, management: false },
    ];
    const sim = await simulate(world);
    started.push(sim);
    const facts = await collectAll(contextFor(sim));
    expect(gaps(facts)).toEqual([]);
    const lake = logSources(facts)[0]!.destinations.filter((d) => d.name.startsWith('CloudTrail Lake'));
    expect(lake).toEqual([
      {
        kind: 'log_bucket',
        name: 'CloudTrail Lake all-management',
        boundary: 'same_admin_domain',
        retentionDays: 2557,
        locked: false,
      },
    ]);
  });

  it('pages 20,000 IAM users with Marker and IsTruncated', async () => {
    const sim = await simulate(awsWorld('huge'));
    started.push(sim);
    const facts = await collectAll(contextFor(sim));
    const users = identities(facts).filter((p) => !p.roles.includes('root user'));
    expect(users).toHaveLength(20_000);
    expect(sim.calls.get('iam:GetAccountAuthorizationDetails')).toBeGreaterThanOrEqual(21);
    expect(users.filter((u) => u.privileged === true)).toHaveLength(20);
  });
});
