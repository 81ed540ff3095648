import type { GapCode } from '@evident/core';
import { redactProviderText } from './redact.ts';

export interface ConnectorErrorDetails {
  /** The provider permission that is missing, in the provider's own words (`AuditLog.Read.All`, `read:org`). */
  permission?: string;
  /** The licence or plan that would unlock the data (`Microsoft Entra ID P1`, `GitHub Enterprise Cloud`). */
  licence?: string;
  /** How long the provider asked us to wait, when it said. */
  retryAfterMs?: number;
  /** What the user can do about it. */
  remedy?: string;
}

/** A provider failure, classified into the gap taxonomy. Connectors turn SDK errors into these in one place each. */
export class ConnectorError extends Error {
  readonly code: GapCode;
  readonly details: ConnectorErrorDetails;
  /** `message` is redacted and capped: it often carries a provider's error body and ends up in gaps. */
  constructor(code: GapCode, message: string, details: ConnectorErrorDetails = {}, options?: ErrorOptions) {
    super(redactProviderText(message), options);
    this.name = 'ConnectorError';
    this.code = code;
    this.details = details;
  }

  get retryable(): boolean {
    return this.code === 'throttled' || this.code === 'provider_error';
  }
}

const DEFAULT_REMEDY: Record<GapCode, string> = {
  permission_missing: 'Grant the missing permission to the credential this connection uses, then collect again.',
  licence_required: 'This data needs a higher licence or plan; without it the controls that need it stay unknown.',
  auth_failed: 'Check the connection credentials (expired or revoked secret, wrong tenant) and update them.',
  throttled: 'The provider kept throttling; the next scheduled collection will try again.',
  provider_error: 'The provider failed to answer; the next scheduled collection will try again.',
  not_supported: 'The provider does not offer this data for this account.',
};

export function remedyFor(error: ConnectorError): string {
  if (error.details.remedy) return error.details.remedy;
  if (error.code === 'permission_missing' && error.details.permission) {
    return `Grant ${error.details.permission} to the credential this connection uses, then collect again.`;
  }
  if (error.code === 'licence_required' && error.details.licence) {
    return `This data needs ${error.details.licence}; without it the controls that need it stay unknown.`;
  }
  return DEFAULT_REMEDY[error.code];
}

/** Any thrown value as a ConnectorError; unknown failures are provider errors, with the original kept as `cause`. */
export function asConnectorError(error: unknown): ConnectorError {
  if (error instanceof ConnectorError) return error;
  if (error instanceof Error && error.name === 'AbortError') {
    return new ConnectorError('provider_error', 'The collection was cancelled.', {}, { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ConnectorError('provider_error', message, {}, { cause: error });
}
