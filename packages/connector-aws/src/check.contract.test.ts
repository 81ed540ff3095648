import { awsWorld } from '@evident/simulators/aws';
import { afterEach, describe, expect, it } from 'vitest';
import { connector, contextFor, simulate } from './contract.fixture.ts';

const started: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.close()));
});

describe('check against the AWS simulator', () => {
  it('grants every action to a complete role', async () => {
    const sim = await simulate(awsWorld('healthy'));
    started.push(sim);
    const result = await connector.check(contextFor(sim));
    expect(result.items.filter((i) => i.status !== 'granted')).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it('names each action AWS denies, as AWS names it', async () => {
    const world = awsWorld('healthy');
    world.accounts[0]!.denied = [
      'iam:GetAccountAuthorizationDetails',
      's3:GetLifecycleConfiguration',
      'iam:ListMFADevices',
    ];
    const sim = await simulate(world);
    started.push(sim);
    const result = await connector.check(contextFor(sim));
    const missing = result.items.filter((i) => i.status === 'missing').map((i) => i.name);
    expect(missing).toEqual([
      'iam:GetAccountAuthorizationDetails (account 111111111111)',
      'iam:ListMFADevices (account 111111111111)',
      's3:GetLifecycleConfiguration (account 111111111111)',
    ]);
    expect(result.ok).toBe(false);
  });

  it('an optional action missing leaves the connection usable', async () => {
    const world = awsWorld('healthy');
    world.accounts[0]!.denied = ['iam:ListMFADevices'];
    const sim = await simulate(world);
    started.push(sim);
    expect((await connector.check(contextFor(sim))).ok).toBe(true);
  });

  it('reports a wrong external id as the role not assumable', async () => {
    const sim = await simulate(awsWorld('healthy'));
    started.push(sim);
    const result = await connector.check(contextFor(sim, { externalId: 'not-the-one' }));
    expect(result.ok).toBe(false);
    expect(result.items).toEqual([
      expect.objectContaining({ name: 'sts:AssumeRole (account 111111111111)', kind: 'role', status: 'missing' }),
    ]);
  });
});
