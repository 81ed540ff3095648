export { createContext } from './context.ts';
export type {
  AnyConnector,
  CheckItem,
  CheckResult,
  Connector,
  ConnectorContext,
  Logger,
  PermissionSpec,
  Progress,
} from './contract.ts';
export { silentLogger } from './contract.ts';
export { asConnectorError, ConnectorError, type ConnectorErrorDetails, remedyFor } from './errors.ts';
export { createLimiter, DEFAULT_CONCURRENCY, type LimiterOptions, type RateLimiter } from './limiter.ts';
export { type RetryOptions, sleep, withRetry } from './retry.ts';
export { CollectionSession, type SectionSpec } from './session.ts';
