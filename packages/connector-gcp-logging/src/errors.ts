import { ConnectorError } from '@evident/connector-kit';
import { z } from 'zod';

/** What a call was doing, so that its failure can name the resource and the permission it needed. */
export interface CallContext {
  /** The RPC, e.g. `ConfigServiceV2.ListSinks`. */
  call: string;
  resource: string;
  /** The IAM permission the call needs (named when the provider's message does not). */
  permission: string;
}

/** A provider failure that retrying cannot fix, such as a resource that does not exist. */
export class PermanentProviderError extends ConnectorError {
  override get retryable(): boolean {
    return false;
  }
}

export const GRPC = {
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

const grpcError = z.object({
  code: z.number().int(),
  message: z.string(),
  details: z.string().optional(),
  errorInfoMetadata: z.record(z.string(), z.string()).nullish(),
  statusDetails: z.array(z.unknown()).nullish(),
});

const retryInfo = z.object({ retryDelay: z.object({ seconds: z.unknown(), nanos: z.number().nullish() }) });

const PERMISSION_IN_MESSAGE = /permission[^a-z0-9]{1,4}([a-z][a-zA-Z0-9]*(?:\.[a-zA-Z0-9]+){2,})/i;
const PLUGIN_AUTH_FAILURE = 'Getting metadata from plugin failed';

function retryDelayMs(details: readonly unknown[] | null | undefined): number | undefined {
  for (const detail of details ?? []) {
    const parsed = retryInfo.safeParse(detail);
    if (!parsed.success) continue;
    const seconds = Number(String(parsed.data.retryDelay.seconds ?? 0));
    const nanos = parsed.data.retryDelay.nanos ?? 0;
    if (Number.isFinite(seconds)) return Math.max(0, Math.round(seconds * 1000 + nanos / 1e6));
  }
  return undefined;
}

/**
 * The one place gRPC statuses become the gap taxonomy. PERMISSION_DENIED names the IAM permission from the
 * google.rpc.ErrorInfo metadata or the message, else the permission the call is known to need.
 */
export function classifyGcpError(error: unknown, at: CallContext): ConnectorError {
  if (error instanceof ConnectorError) return error;
  const parsed = grpcError.safeParse(error);
  if (!parsed.success) {
    const message = error instanceof Error ? error.message : String(error);
    return new ConnectorError('provider_error', `${at.call} ${at.resource}: ${message}`, {}, { cause: error });
  }
  const { code, details, errorInfoMetadata, statusDetails } = parsed.data;
  const said = details || parsed.data.message;
  const where = `${at.call} ${at.resource}`;
  const cause = { cause: error };
  switch (code) {
    case GRPC.PERMISSION_DENIED: {
      const permission = errorInfoMetadata?.permission ?? PERMISSION_IN_MESSAGE.exec(said)?.[1] ?? at.permission;
      return new ConnectorError(
        'permission_missing',
        `${where} was refused: the credential lacks ${permission} (${said})`,
        { permission, remedy: `Grant ${permission} on ${at.resource} (e.g. through a role that includes it).` },
        cause,
      );
    }
    case GRPC.UNAUTHENTICATED:
      return new ConnectorError('auth_failed', `${where}: authentication failed (${said})`, {}, cause);
    case GRPC.RESOURCE_EXHAUSTED: {
      const retryAfterMs = retryDelayMs(statusDetails);
      return new ConnectorError(
        'throttled',
        `${where}: quota exhausted (${said})`,
        retryAfterMs === undefined ? {} : { retryAfterMs },
        cause,
      );
    }
    case GRPC.NOT_FOUND:
      return new PermanentProviderError(
        'provider_error',
        `${at.resource} was not found, or the credential cannot see it (${where}: ${said})`,
        { remedy: `Check that ${at.resource} exists and is spelled as Google shows it.` },
        cause,
      );
    case GRPC.UNAVAILABLE:
      if (said.includes(PLUGIN_AUTH_FAILURE)) {
        return new ConnectorError('auth_failed', `${where}: could not obtain an access token (${said})`, {}, cause);
      }
      return new ConnectorError('provider_error', `${where}: service unavailable (${said})`, {}, cause);
    case GRPC.DEADLINE_EXCEEDED:
    case GRPC.INTERNAL:
      return new ConnectorError('provider_error', `${where}: ${said}`, {}, cause);
    default:
      return new PermanentProviderError('provider_error', `${where}: gRPC status ${code} (${said})`, {}, cause);
  }
}
