/** Typed domain errors. Each maps to one transport error in one place (the API's error adapter, the CLI's exit code). */
export type DomainErrorCode = 'invalid_input' | 'not_found' | 'forbidden' | 'conflict' | 'unauthenticated';

export class DomainError extends Error {
  readonly code: DomainErrorCode;
  constructor(code: DomainErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

export interface Issue {
  /** Where the problem is: a JSON path, a config key or `line 12`. */
  path: string;
  message: string;
}

export class InvalidInputError extends DomainError {
  readonly issues: Issue[];
  constructor(message: string, issues: Issue[] = [], options?: ErrorOptions) {
    super('invalid_input', message, options);
    this.issues = issues;
  }
}

export class NotFoundError extends DomainError {
  constructor(what: string, id: string, options?: ErrorOptions) {
    super('not_found', `${what} ${id} was not found`, options);
  }
}

export class ForbiddenError extends DomainError {
  constructor(message: string, options?: ErrorOptions) {
    super('forbidden', message, options);
  }
}

export class ConflictError extends DomainError {
  constructor(message: string, options?: ErrorOptions) {
    super('conflict', message, options);
  }
}

export class UnauthenticatedError extends DomainError {
  constructor(message: string, options?: ErrorOptions) {
    super('unauthenticated', message, options);
  }
}
