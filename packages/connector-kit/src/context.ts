import { type ConnectorContext, silentLogger } from './contract.ts';
import { createLimiter } from './limiter.ts';

/** A context with quiet defaults: no logging, no progress, a limiter of 4 in flight, the real clock. */
export function createContext<C, S>(
  init: Pick<ConnectorContext<C, S>, 'connection' | 'config' | 'secret'> & Partial<ConnectorContext<C, S>>,
): ConnectorContext<C, S> {
  return {
    signal: new AbortController().signal,
    logger: silentLogger,
    limiter: createLimiter(),
    progress: () => {},
    now: () => new Date(),
    ...init,
  };
}
