/** Which error body shape a failure is written in: Graph's (with innerError) or Azure Resource Manager's. */
export type ApiKind = 'graph' | 'arm';

/** A failure the simulator answers with, as the real service would: status, error code, message and headers. */
export class GraphHttpError extends Error {
  override readonly name = 'GraphHttpError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const PREMIUM_LICENCE_MESSAGE = "Neither tenant is B2C or tenant doesn't have premium license";

export const errors = {
  badRequest: (message: string, code = 'BadRequest') => new GraphHttpError(400, code, message),
  unsupportedQuery: (message: string) => new GraphHttpError(400, 'Request_UnsupportedQuery', message),
  notFound: (what: string) =>
    new GraphHttpError(
      404,
      'Request_ResourceNotFound',
      `Resource '${what}' does not exist or one of its queried reference-property objects are not present.`,
    ),
  noSegment: (segment: string) =>
    new GraphHttpError(400, 'BadRequest', `Resource not found for the segment '${segment}'.`),
  methodNotAllowed: () =>
    new GraphHttpError(405, 'Request_BadRequest', 'Specified HTTP method is not allowed for the request target.'),
  emptyToken: () => new GraphHttpError(401, 'InvalidAuthenticationToken', 'Access token is empty.'),
  invalidToken: () => new GraphHttpError(401, 'InvalidAuthenticationToken', 'Access token validation failure.'),
  wrongAudience: () =>
    new GraphHttpError(401, 'InvalidAuthenticationToken', 'Access token validation failure. Invalid audience.'),
  expiredToken: () =>
    new GraphHttpError(401, 'InvalidAuthenticationToken', 'Lifetime validation failed, the token is expired.'),
  insufficientPrivileges: () =>
    new GraphHttpError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.'),
  premiumLicence: () =>
    new GraphHttpError(403, 'Authentication_RequestFromNonPremiumTenantOrB2CTenant', PREMIUM_LICENCE_MESSAGE),
  governanceLicence: () =>
    new GraphHttpError(
      403,
      'AadPremiumLicenseRequired',
      'The tenant needs to have Microsoft Entra ID P2 or Microsoft Entra ID Governance license.',
    ),
  tooManyRequests: (headers: Record<string, string>) =>
    new GraphHttpError(429, 'TooManyRequests', 'Too many requests.', headers),
  serviceUnavailable: () =>
    new GraphHttpError(503, 'serviceNotAvailable', 'The service is temporarily unavailable. Please retry later.'),
  gatewayTimeout: () => new GraphHttpError(504, 'UnknownError', 'The gateway did not receive a timely response.'),
};

export const armErrors = {
  missingApiVersion: () =>
    new GraphHttpError(
      400,
      'MissingApiVersionParameter',
      'The api-version query parameter (?api-version=) is required for all requests.',
    ),
  notFound: (id: string) => new GraphHttpError(404, 'ResourceNotFound', `The Resource '${id}' was not found.`),
  authorizationFailed: (action: string, scope: string) =>
    new GraphHttpError(
      403,
      'AuthorizationFailed',
      `The client does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
    ),
  invalidToken: (message: string) => new GraphHttpError(401, 'InvalidAuthenticationToken', message),
  expiredToken: () =>
    new GraphHttpError(
      401,
      'ExpiredAuthenticationToken',
      'The access token expiry UTC time is earlier than current UTC time.',
    ),
};

/** The body of a failure, in the shape of the API it came from. */
export function errorBody(api: ApiKind, e: GraphHttpError, requestId: string, clientRequestId: string | undefined) {
  if (api === 'arm') return { error: { code: e.code, message: e.message } };
  return {
    error: {
      code: e.code,
      message: e.message,
      innerError: {
        date: new Date().toISOString().replace(/\.\d+Z$/, ''),
        'request-id': requestId,
        'client-request-id': clientRequestId ?? requestId,
      },
    },
  };
}
