import { awsConnector } from '@evident/connector-aws';
import { entraConnector } from '@evident/connector-entra';
import { gcpLoggingConnector } from '@evident/connector-gcp-logging';
import { githubConnector } from '@evident/connector-github';
import { googleWorkspaceConnector } from '@evident/connector-google-workspace';
import {
  type AnyConnector,
  createContext,
  createLimiter,
  DEFAULT_CONCURRENCY,
  egressPolicy,
} from '@evident/connector-kit';
import type { Fact } from '@evident/core';
import type { SimulatedConnection } from '@evident/simulators';

const CONNECTORS: Record<SimulatedConnection['kind'], AnyConnector> = {
  entra: entraConnector,
  github: githubConnector,
  'gcp-logging': gcpLoggingConnector,
  'google-workspace': googleWorkspaceConnector,
  aws: awsConnector,
};

/** Each connector's requests in flight per connection, as a worker without an override runs them. */
export function requestsInFlight(): Record<string, number> {
  return Object.fromEntries(
    Object.entries(CONNECTORS).map(([kind, c]) => [kind, c.limits?.concurrency ?? DEFAULT_CONCURRENCY]),
  );
}

/**
 * Streams one simulated connection's facts, validating its config and secret as `evident assess` does;
 * `allowedEndpoints` is the simulators' EVIDENT_ALLOWED_ENDPOINTS.
 */
export function collect(c: SimulatedConnection, allowedEndpoints: string): AsyncIterable<Fact> {
  const connector = CONNECTORS[c.kind];
  return connector.collect(
    createContext({
      connection: c.name,
      config: connector.config.parse(c.config),
      secret: connector.secret.parse(c.secret),
      limiter: createLimiter(connector.limits),
      egress: egressPolicy(allowedEndpoints),
    }),
  );
}

/** Runs `work` over `items` with at most `concurrency` in flight, in order of start. */
export async function pool<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
}
