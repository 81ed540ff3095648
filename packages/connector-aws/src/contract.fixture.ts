import { type ConnectorContext, createContext, egressPolicy } from '@evident/connector-kit';
import type { Fact, IdentityFact, LogSourceFact } from '@evident/core';
import { type AwsSimulator, type AwsWorld, startAwsSimulator } from '@evident/simulators/aws';
import { type AwsConfig, type AwsSecret, awsConfig, awsSecret } from './config.ts';
import { createAwsConnector } from './connector.ts';

export const connector = createAwsConnector({ reportPollMs: 5, retry: { baseDelayMs: 20 } });

export async function simulate(world: AwsWorld): Promise<AwsSimulator> {
  return startAwsSimulator(world);
}

/** A context pointed at the simulator: every endpoint its URL, its certificate trusted, only its origin allowed. */
export function contextFor(
  sim: AwsSimulator,
  overrides: Partial<AwsConfig> = {},
  secret: Partial<AwsSecret> = {},
): ConnectorContext<AwsConfig, AwsSecret> {
  const first = sim.world.accounts[0]!;
  const url = sim.url;
  const config = awsConfig.parse({
    accounts: sim.world.accounts.map((a) => a.id),
    roleName: first.roleName,
    externalId: first.externalId,
    region: sim.world.region,
    endpoints: { iam: url, sts: url, cloudtrail: url, logs: url, s3: url, caCert: sim.caCert },
    ...overrides,
  });
  return createContext({
    connection: 'aws-test',
    config,
    secret: awsSecret.parse({
      accessKeyId: sim.world.accessKeyId,
      secretAccessKey: sim.world.secretAccessKey,
      ...secret,
    }),
    egress: egressPolicy(new URL(url).host),
    now: () => new Date(),
  });
}

export async function collectAll(ctx: ConnectorContext<AwsConfig, AwsSecret>): Promise<Fact[]> {
  const out: Fact[] = [];
  for await (const f of connector.collect(ctx)) out.push(f);
  return out;
}

export const identities = (facts: Fact[]) => facts.filter((f): f is IdentityFact => f.type === 'identity');
export const logSources = (facts: Fact[]) => facts.filter((f): f is LogSourceFact => f.type === 'logSource');
export const gaps = (facts: Fact[]) => facts.filter((f) => f.type === 'gap');
