import type { Route } from '@middy/http-router';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import {
  MalformedBodyError,
  MalformedJsonError,
  UnknownPathParamError,
  ValidationError,
} from '../core/errors.js';
import type { Tenant } from '../core/types.js';

export type HttpEvent = APIGatewayProxyEventV2;
export type HttpResult = APIGatewayProxyStructuredResultV2;

/** The Lambda context once `authenticate` has resolved the API key. */
export interface TenantContext extends Context {
  tenant: Tenant;
}

/** One route handler: every surface's routes have this shape. */
export type Handler = (event: HttpEvent, context: TenantContext) => Promise<HttpResult>;
export type HttpRoute = { method: Route<HttpEvent, HttpResult>['method']; path: string; handler: Handler };

export const json = (
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): HttpResult => ({
  statusCode,
  headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  body: JSON.stringify(body),
});

/** The request body as text, decoding API Gateway's base64 for binary payloads. */
export const rawBody = (event: HttpEvent): string =>
  event.body === undefined
    ? ''
    : event.isBase64Encoded
      ? Buffer.from(event.body, 'base64').toString('utf8')
      : event.body;

/**
 * The request body as bytes (uploads): exactly the bytes the client sent, or a 400. API Gateway
 * hands a body of a text media type (`text/*`, `application/json`...) to Lambda as a string, and
 * bytes that are not UTF-8 become U+FFFD on the way: a Windows-1252 CSV sent as `text/csv` would
 * arrive with its accented letters replaced. A text body holding U+FFFD is therefore refused (the
 * client may have sent that character itself, but it cannot be told apart). Valid UTF-8 survives
 * the round trip byte for byte, and binary media types (`application/octet-stream`, multipart)
 * arrive base64-encoded, untouched.
 */
export const rawBodyBytes = (event: HttpEvent): Buffer => {
  if (event.body === undefined) return Buffer.alloc(0);
  if (event.isBase64Encoded) return Buffer.from(event.body, 'base64');
  if (event.body.includes('\uFFFD')) {
    throw new MalformedBodyError(
      `The body was sent as text (${event.headers?.['content-type'] ?? 'no content-type'}) and holds a replacement character (U+FFFD): ` +
        'bytes that are not UTF-8 do not survive a text body. Send the file as application/octet-stream or multipart/form-data, ' +
        'or upload it to its presigned URL; a file that is not UTF-8 also needs its "encoding" (Excel\'s Windows "CSV": "windows-1252")',
      'body_not_utf8',
    );
  }
  return Buffer.from(event.body, 'utf8');
};

export function jsonBody(event: HttpEvent): unknown {
  const text = rawBody(event);
  if (text.trim() === '') {
    throw new ValidationError('The request body is empty; send a JSON object', [
      { pointer: '/', message: 'is required' },
    ]);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new MalformedJsonError(error instanceof Error ? error.message : String(error));
  }
}

/**
 * The longest path parameter that can name anything: no id this service or a surface issues, and
 * no workspace name (at most 128), is longer; an MPDX contact id, chosen by the client, is at most 256.
 */
export const MAX_PATH_PARAM_LENGTH = 256;

/**
 * A path parameter, percent-decoded. One that cannot name anything (invalid percent-encoding, or
 * longer than `MAX_PATH_PARAM_LENGTH`) is the surface's not-found, before any store is asked.
 */
export const pathParam = (event: HttpEvent, name: string): string => {
  const value = event.pathParameters?.[name];
  if (value === undefined) throw new Error(`Route is missing path parameter ${name}`);
  // A decoded UTF-16 unit takes at most nine raw characters (`%E2%82%AC`): longer raw text decodes too long.
  if (value.length > MAX_PATH_PARAM_LENGTH * 9) throw new UnknownPathParamError(name, 'too_long');
  let decoded: string;
  try {
    decoded = decodeURIComponent(value);
  } catch {
    throw new UnknownPathParamError(name, 'unreadable');
  }
  if (decoded.length > MAX_PATH_PARAM_LENGTH) throw new UnknownPathParamError(name, 'too_long');
  return decoded;
};

/** The query string's parameters, each an own property (a client's `__proto__` key included). */
export const queryOf = (event: HttpEvent): Record<string, string> =>
  Object.fromEntries(
    Object.entries(event.queryStringParameters ?? {}).filter(
      (entry): entry is [string, string] => entry[1] !== undefined,
    ),
  );
