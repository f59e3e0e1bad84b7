/** What the command line reports as failures: its own (bad arguments, files) and the API's. */

/** A problem with the command as given (arguments, files, configuration): exit code 1. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** One problem the API named: a JSON pointer (or column) and its message. */
export interface ApiProblem {
  pointer?: string;
  message: string;
}

/** An error answer of the API (`{"error": {"code", "message", "details"}}`), or an unreachable API. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ApiProblem[] = [],
    readonly rows: number[] = [],
  ) {
    super(message);
  }
}

/** The error as a person reads it: code, message, then each problem on its own line. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    const status = error.status > 0 ? ` (HTTP ${error.status})` : '';
    const lines = [`error: ${error.code}: ${error.message}${status}`];
    for (const problem of error.details)
      lines.push(`  ${problem.pointer ? `${problem.pointer}: ` : ''}${problem.message}`);
    if (error.rows.length > 0) lines.push(`  rows: ${error.rows.join(', ')}`);
    return lines.join('\n');
  }
  if (error instanceof UsageError) return `error: ${error.message}`;
  return `error: ${error instanceof Error ? error.message : String(error)}`;
}

/** The error as one JSON value, for `--json`. */
export function errorDocument(error: unknown): { error: Record<string, unknown> } {
  if (error instanceof ApiError) {
    return {
      error: {
        code: error.code,
        message: error.message,
        status: error.status,
        ...(error.details.length > 0 ? { details: error.details } : {}),
        ...(error.rows.length > 0 ? { rows: error.rows } : {}),
      },
    };
  }
  const code = error instanceof UsageError ? 'usage' : 'error';
  return { error: { code, message: error instanceof Error ? error.message : String(error) } };
}
