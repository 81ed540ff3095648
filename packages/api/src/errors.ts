import { DomainError } from '@evident/core';
import { TRPCError } from '@trpc/server';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';

const CODES: Record<DomainError['code'], TRPC_ERROR_CODE_KEY> = {
  invalid_input: 'BAD_REQUEST',
  not_found: 'NOT_FOUND',
  forbidden: 'FORBIDDEN',
  conflict: 'CONFLICT',
  unauthenticated: 'UNAUTHORIZED',
};

/** The server cannot do this as deployed (no job queue, say): not the caller's fault, nor a bug. */
export class PreconditionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PreconditionError';
  }
}

/** A service the request needs (the job queue) does not answer: try again later. */
export class UnavailableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'UnavailableError';
  }
}

/** A refusal the caller may read in full: rate limits and lockouts. */
export class TooManyError extends Error {
  readonly retryAfterSeconds: number;
  constructor(message: string, retryAfterSeconds: number) {
    super(message);
    this.name = 'TooManyError';
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/**
 * The one place domain errors become tRPC errors. The domain message is meant for users; anything else (a database
 * refusal, a bug) becomes INTERNAL_SERVER_ERROR with a generic message, its cause kept for the log only.
 */
export function toTRPCError(error: unknown): TRPCError {
  if (error instanceof TRPCError) return error;
  if (error instanceof DomainError)
    return new TRPCError({ code: CODES[error.code], message: error.message, cause: error });
  if (error instanceof TooManyError)
    return new TRPCError({ code: 'TOO_MANY_REQUESTS', message: error.message, cause: error });
  if (error instanceof UnavailableError)
    return new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: error.message, cause: error });
  if (error instanceof PreconditionError)
    return new TRPCError({ code: 'PRECONDITION_FAILED', message: error.message, cause: error });
  return new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: 'something went wrong on our side', cause: error });
}
