/**
 * The error hierarchy of the core and the adapters; HTTP mapping happens once, in the API (each
 * surface formats these errors its own way).
 */

export interface ProblemDetail {
  /** JSON pointer (or column) the problem is about. */
  pointer: string;
  message: string;
}

export class IntakeError extends Error {
  constructor(
    message: string,
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'IntakeError';
  }
}

export class ValidationError extends IntakeError {
  constructor(
    message: string,
    readonly problems: ProblemDetail[],
    code = 'validation_failed',
  ) {
    super(message, code);
    this.name = 'ValidationError';
  }
}

export class NotFoundError extends IntakeError {
  constructor(what: string, id: string) {
    super(`${what} '${id}' not found`, 'not_found');
    this.name = 'NotFoundError';
  }
}

/**
 * A path parameter that cannot name anything: not valid percent-encoding, or longer than any id.
 * Answered as the surface's not-found; the message does not echo the parameter.
 */
export class UnknownPathParamError extends NotFoundError {
  constructor(
    readonly parameter: string,
    readonly reason: 'unreadable' | 'too_long',
  ) {
    super(parameter, '');
    this.name = 'UnknownPathParamError';
    this.message =
      reason === 'unreadable'
        ? `Nothing here: the path's ${parameter} is not valid percent-encoded UTF-8, so it names nothing`
        : `Nothing here: the path's ${parameter} is longer than any ${parameter} this service has`;
  }
}

export class AuthenticationError extends IntakeError {
  constructor(message = 'A valid API key is required (x-api-key, Authorization: Bearer, or Basic)') {
    super(message, 'unauthorized');
    this.name = 'AuthenticationError';
  }
}

export class ConflictError extends IntakeError {
  constructor(message: string, code = 'conflict') {
    super(message, code);
    this.name = 'ConflictError';
  }
}

/** A request body that cannot be parsed at all (answered 400, before any validation). */
export class MalformedBodyError extends IntakeError {
  constructor(message: string, code: string) {
    super(message, code);
    this.name = 'MalformedBodyError';
  }
}

/** A request body that does not parse as JSON. */
export class MalformedJsonError extends MalformedBodyError {
  constructor(detail: string) {
    super(`The request body is not valid JSON: ${detail}`, 'invalid_json');
    this.name = 'MalformedJsonError';
  }
}

/** A field with this key already exists in the workspace. */
export class FieldExistsError extends ConflictError {
  constructor(
    readonly workspace: string,
    readonly key: string,
  ) {
    super(`Field '${key}' already exists in workspace '${workspace}'`, 'field_exists');
    this.name = 'FieldExistsError';
  }
}

/** The file cannot be imported at all (encoding, headers, size...). */
export class SourceError extends IntakeError {
  constructor(
    code: string,
    message: string,
    readonly line?: number,
  ) {
    super(message, code);
    this.name = 'SourceError';
  }
}

/** A CSV file is refused as a whole (the CSV reader's verdict, before any row). */
export class CsvFileError extends IntakeError {
  readonly line?: number;
  readonly byteOffset?: number;

  constructor(code: string, message: string, where: { line?: number; byteOffset?: number } = {}) {
    super(message, code);
    this.name = 'CsvFileError';
    if (where.line !== undefined) this.line = where.line;
    if (where.byteOffset !== undefined) this.byteOffset = where.byteOffset;
  }
}

/** MPDX: the tenant already has a contact with this id. */
export class ContactExistsError extends ConflictError {
  constructor(id: string) {
    super(`A contact with id '${id}' already exists`, 'contact_exists');
    this.name = 'ContactExistsError';
  }
}

/** Learning Locker: no persona import model with this id (worded as Learning Locker's NotFoundError). */
export class PersonasImportNotFound extends NotFoundError {
  constructor(id: string) {
    super('personasImport', id);
    this.name = 'PersonasImportNotFound';
    this.message = `Could not find personasImport with ${id}`;
  }
}

/** An Idempotency-Key sent again with another request (method, path or body) than the first. */
export class IdempotencyKeyReusedError extends ValidationError {
  constructor() {
    const message =
      'This Idempotency-Key was already used with a different request (method, path or body); use a new key for a new request';
    super(message, [{ pointer: 'Idempotency-Key', message }], 'idempotency_key_reused');
    this.name = 'IdempotencyKeyReusedError';
  }
}

/** A request with an Idempotency-Key that another request, still running, holds. */
export class IdempotencyKeyInFlightError extends ConflictError {
  constructor() {
    super(
      'A request with this Idempotency-Key is still in progress; retry after it has finished',
      'idempotency_key_in_flight',
    );
    this.name = 'IdempotencyKeyInFlightError';
  }
}
