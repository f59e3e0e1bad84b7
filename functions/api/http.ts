import type { Route } from '@middy/http-router';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { MalformedJsonError, ValidationError } from '../core/errors.js';
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

/** The request body as bytes (uploads). */
export const rawBodyBytes = (event: HttpEvent): Buffer =>
  event.body === undefined
    ? Buffer.alloc(0)
    : Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');

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

export const pathParam = (event: HttpEvent, name: string): string => {
  const value = event.pathParameters?.[name];
  if (value === undefined) throw new Error(`Route is missing path parameter ${name}`);
  return decodeURIComponent(value);
};

export const queryOf = (event: HttpEvent): Record<string, string> => {
  const query: Record<string, string> = {};
  for (const [key, value] of Object.entries(event.queryStringParameters ?? {})) {
    if (value !== undefined) query[key] = value;
  }
  return query;
};
