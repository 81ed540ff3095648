import { fact } from '@evident/core';
import { awsWorld } from '@evident/simulators/aws';
import { afterEach, describe, expect, it } from 'vitest';
import { collectAll, contextFor, gaps, identities, logSources, simulate } from './contract.fixture.ts';

const started: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.close()));
});

describe('faults and refusals', () => {
  it('waits out throttling on every protocol and collects everything', async () => {
    const sim = await simulate(awsWorld('healthy'));
    started.push(sim);
    sim.throttle('iam', 1);
    sim.throttle('cloudtrail', 1);
    sim.throttle('s3', 1);
    const facts = await collectAll(contextFor(sim));
    expect(gaps(facts)).toEqual([]);
    expect(logSources(facts)[0]!.destinations).toHaveLength(2);
  });

  it('turns a denied action into a gap naming it, and keeps the rest', async () => {
    const world = awsWorld('healthy');
    world.accounts[0]!.denied = ['cloudtrail:DescribeTrails'];
    const sim = await simulate(world);
    started.push(sim);
    const facts = await collectAll(contextFor(sim));
    expect(gaps(facts)).toEqual([
      expect.objectContaining({
        code: 'permission_missing',
        permission: 'cloudtrail:DescribeTrails',
        covers: ['logSource.admin_audit'],
      }),
    ]);
    expect(identities(facts).length).toBeGreaterThan(0);
  });

  it('an unreadable lifecycle leaves the destination unknown, with a gap', async () => {
    const world = awsWorld('healthy');
    world.accounts[0]!.denied = ['s3:GetLifecycleConfiguration'];
    const sim = await simulate(world);
    started.push(sim);
    const facts = await collectAll(contextFor(sim));
    const s3 = logSources(facts)[0]!.destinations.find((d) => d.kind === 'storage')!;
    // The compliance-mode lock holds every log 365 days whatever the lifecycle says: a floor, not the figure.
    expect(s3).toMatchObject({ retentionDays: 365, retentionAtLeast: true });
    expect(gaps(facts)).toEqual([
      expect.objectContaining({
        code: 'permission_missing',
        permission: 's3:GetLifecycleConfiguration',
        covers: ['logSource.destinations'],
      }),
    ]);
  });

  it('collects the other accounts when one role cannot be assumed', async () => {
    const world = awsWorld('healthy', ['111111111111', '222222222222']);
    world.accounts[0]!.externalId = 'rotated';
    const sim = await simulate(world);
    started.push(sim);
    const facts = await collectAll(contextFor(sim, { externalId: 'evident-222222222222' }));
    for (const f of facts) expect(() => fact.parse(f)).not.toThrow();
    expect(gaps(facts).map((g) => g.type === 'gap' && [g.code, g.source, g.covers])).toEqual([
      ['auth_failed', 'sts:AssumeRole (account 111111111111)', ['identity']],
      ['auth_failed', 'sts:AssumeRole (account 111111111111)', ['logSource.admin_audit']],
    ]);
    expect(identities(facts).some((i) => i.subject.includes('222222222222'))).toBe(true);
  });

  it('refuses requests signed for another region, as AWS does', async () => {
    const sim = await simulate(awsWorld('healthy'));
    started.push(sim);
    const facts = await collectAll(contextFor(sim, { region: 'us-west-2' }));
    expect(identities(facts)).toEqual([]);
    expect(gaps(facts).every((g) => g.type === 'gap' && g.code === 'auth_failed')).toBe(true);
  });

  it('ends in a throttled gap when IAM never stops throttling, and still reads CloudTrail', async () => {
    const sim = await simulate(awsWorld('healthy'));
    started.push(sim);
    sim.throttle('iam', 1_000);
    const facts = await collectAll(contextFor(sim));
    expect(gaps(facts)).toEqual([expect.objectContaining({ code: 'throttled', covers: ['identity'] })]);
    expect(logSources(facts)).toHaveLength(1);
  });

  it('gives up on a service that keeps failing, as a provider error gap', async () => {
    const sim = await simulate(awsWorld('healthy'));
    started.push(sim);
    sim.fail('cloudtrail', 100);
    const facts = await collectAll(contextFor(sim));
    expect(gaps(facts)).toEqual([
      expect.objectContaining({ code: 'provider_error', covers: ['logSource.admin_audit'] }),
    ]);
  });
});
