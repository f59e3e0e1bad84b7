import type { RowError } from './types.js';

/**
 * A row error in words, the same on every surface that shows errors as text (the result files,
 * Learning Locker's `importErrors`): its field, then its message. Messages never name their field
 * themselves (`field` holds it), so the field is named once.
 */
export const describeRowError = (error: RowError): string =>
  error.field ? `${error.field}: ${error.message}` : error.message;

/** A row's errors in one cell of a result file: each in words, separated by `; `. */
export const describeRowErrors = (errors: RowError[]): string => errors.map(describeRowError).join('; ');
