import { type ConnectorContext, silentLogger } from './contract.ts';
import { checkEndpoints, NO_OVERRIDES } from './egress/policy.ts';
import { createLimiter } from './limiter.ts';

/**
 * A context with quiet defaults: no logging, no progress, a limiter of 4 in flight, the real clock, no endpoint
 * override allowed. The config's `endpoints` are checked against the egress policy here (InvalidInputError).
 */
export function createContext<C, S>(
  init: Pick<ConnectorContext<C, S>, 'connection' | 'config' | 'secret'> & Partial<ConnectorContext<C, S>>,
): ConnectorContext<C, S> {
  const ctx: ConnectorContext<C, S> = {
    signal: new AbortController().signal,
    logger: silentLogger,
    limiter: createLimiter(),
    egress: NO_OVERRIDES,
    progress: () => {},
    now: () => new Date(),
    ...init,
  };
  checkEndpoints(ctx.egress, (ctx.config as { endpoints?: unknown } | null)?.endpoints);
  return ctx;
}
