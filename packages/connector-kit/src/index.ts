export { concurrently, readAhead, type Step } from './concurrent.ts';
export { createContext } from './context.ts';
export type {
  AnyConnector,
  ChangeEvent,
  ChangeRead,
  ChangeWatch,
  CheckItem,
  CheckResult,
  Connector,
  ConnectorContext,
  DiscoveredCustomer,
  Logger,
  PermissionSpec,
  Progress,
  ProviderAccount,
} from './contract.ts';
export { silentLogger } from './contract.ts';
export { classifyAddress } from './egress/addresses.ts';
export { EgressRefusedError, egressAgent, egressDispatcher, guardedLookup } from './egress/connect.ts';
export {
  checkEndpoints,
  checkHostPort,
  checkUrl,
  type EgressPolicy,
  egressPolicy,
  NO_OVERRIDES,
} from './egress/policy.ts';
export { asConnectorError, ConnectorError, type ConnectorErrorDetails, remedyFor } from './errors.ts';
export { type FieldKind, type FieldSpec, field, type ProviderSpec, provider } from './form.ts';
export { createLimiter, DEFAULT_CONCURRENCY, type LimiterOptions, type RateLimiter } from './limiter.ts';
export { MAX_PROVIDER_TEXT, redactProviderText } from './redact.ts';
export { type RetryOptions, sleep, withRetry } from './retry.ts';
export { changedCredentialBound, credentialBoundKeys, requiresSecretAgain } from './secret-again.ts';
export { CollectionSession, type SectionSpec } from './session.ts';
