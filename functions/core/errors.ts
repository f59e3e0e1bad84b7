/** The error hierarchy shared by every layer; HTTP mapping happens once, in the API. */

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

/** A request body that does not parse as JSON. */
export class MalformedJsonError extends IntakeError {
  constructor(detail: string) {
    super(`The request body is not valid JSON: ${detail}`, 'invalid_json');
    this.name = 'MalformedJsonError';
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
