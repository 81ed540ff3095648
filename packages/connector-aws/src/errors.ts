import { ConnectorError, EgressRefusedError } from '@evident/connector-kit';

const AUTH = new Set([
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'InvalidSignatureException',
  'IncompleteSignature',
  'ExpiredToken',
  'ExpiredTokenException',
  'MissingAuthenticationToken',
  'MissingAuthenticationTokenException',
  'AuthorizationHeaderMalformed',
  'AuthFailure',
]);
const DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'AllAccessDisabled']);
const THROTTLED = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'SlowDown',
  'LimitExceededException',
]);

interface SdkError {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

const sdkError = (e: unknown): SdkError => (typeof e === 'object' && e !== null ? (e as SdkError) : {});

/** The action an AccessDenied names, as AWS words it: "… is not authorized to perform: iam:GenerateCredentialReport on …". */
export function deniedAction(message: string): string | undefined {
  return /not authorized to perform:? ([a-z0-9-]+:[A-Za-z0-9]+)/.exec(message)?.[1];
}

/**
 * An SDK failure as a gap. `action` is the IAM action of the call, named when AWS's message does not (S3's plain
 * "Access Denied"). Assuming the role is special: a refusal there means the role does not trust this credential.
 */
export function toConnectorError(error: unknown, action?: string): ConnectorError {
  if (error instanceof ConnectorError) return error;
  if (error instanceof EgressRefusedError)
    return new ConnectorError('provider_error', error.message, {}, { cause: error });
  const e = sdkError(error);
  const name = e.name ?? '';
  const message = e.message || name || String(error);
  const status = e.$metadata?.httpStatusCode;
  if (AUTH.has(name)) {
    return new ConnectorError('auth_failed', `AWS refused the credentials (${name}): ${message}`, {}, { cause: error });
  }
  if (DENIED.has(name)) {
    const permission = deniedAction(message) ?? action;
    if (permission === 'sts:AssumeRole') {
      return new ConnectorError(
        'auth_failed',
        `the role could not be assumed: ${message}`,
        {
          remedy:
            "Check the role name and that its trust policy allows your MSP's access key with this external id (sts:ExternalId), then collect again.",
        },
        { cause: error },
      );
    }
    return new ConnectorError(
      'permission_missing',
      `AWS denied ${permission ?? 'the call'}: ${message}`,
      permission ? { permission } : {},
      { cause: error },
    );
  }
  if (THROTTLED.has(name) || status === 429) {
    return new ConnectorError('throttled', `AWS throttled the request (${name || status})`, {}, { cause: error });
  }
  if (error instanceof Error && error.name === 'AbortError') {
    return new ConnectorError('provider_error', 'The collection was cancelled.', {}, { cause: error });
  }
  return new ConnectorError(
    'provider_error',
    `AWS failed to answer${name ? ` (${name})` : ''}: ${message}`,
    {},
    { cause: error },
  );
}
