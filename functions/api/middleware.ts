import type { Logger } from '@aws-lambda-powertools/logger';
import type { MiddlewareObj } from '@middy/core';
import { apiKeyFrom, hashApiKey } from '../core/auth.js';
import {
  AuthenticationError,
  ConflictError,
  IntakeError,
  MalformedBodyError,
  NotFoundError,
  ValidationError,
} from '../core/errors.js';
import type { TenantStore } from '../core/ports.js';
import { type HttpEvent, type HttpResult, json, type TenantContext } from './http.js';
import { isStaticPath } from './static-files.js';

const PUBLIC_PATHS = new Set(['/health']);

/**
 * Resolves the API key to its tenant before any route runs; unknown keys get 401. Every request
 * reads the key's item (one strongly consistent GetItem), with no cache: a revoked key must answer
 * 401 at once, and a per-container cache cannot hear of a revocation made elsewhere (README, "API keys").
 */
export function authenticate(
  tenants: TenantStore,
): MiddlewareObj<HttpEvent, HttpResult, Error, TenantContext> {
  return {
    before: async (request) => {
      // The console and the docs are public pages; the console asks for the key and sends it to the API.
      const { rawPath } = request.event;
      const page = isStaticPath(rawPath) && request.event.requestContext.http.method === 'GET';
      if (PUBLIC_PATHS.has(rawPath) || page) return;
      const key = apiKeyFrom(request.event.headers ?? {});
      if (key === null) throw new AuthenticationError();
      const tenant = await tenants.tenantForKey(hashApiKey(key));
      if (tenant === null) throw new AuthenticationError('The API key is not valid');
      request.context.tenant = tenant;
    },
  };
}

/** A middy HTTP error, such as the router's "Route does not exist". */
const httpErrorStatus = (error: unknown): number | undefined => {
  const status = (error as { statusCode?: unknown; expose?: unknown }).statusCode;
  return typeof status === 'number' && status < 500 ? status : undefined;
};

const statusOf = (error: IntakeError): number => {
  if (error instanceof ValidationError) return 422;
  if (error instanceof MalformedBodyError) return 400;
  if (error instanceof NotFoundError) return 404;
  if (error instanceof AuthenticationError) return 401;
  if (error instanceof ConflictError) return 409;
  return 400;
};

/** An error as a surface shows it: the status Intake decided, and the surface's own body. */
export interface SurfaceErrorFormat {
  /** Whether a request path belongs to this surface. */
  matches(path: string): boolean;
  format(error: {
    status: number;
    code: string;
    message: string;
    problems?: ValidationError['problems'];
  }): HttpResult;
}

/**
 * The native API's error format, `{"error": {code, message, details?}}`: the native surface's, and
 * the format of any path no surface claims (`/health`, unknown routes).
 */
export const nativeErrorFormat: SurfaceErrorFormat = {
  matches: () => true,
  format: ({ status, code, message, problems }) =>
    json(status, { error: { code, message, ...(problems ? { details: problems } : {}) } }),
};

/**
 * Turns every error into an error response, in the format of the surface the path belongs to
 * (the native format otherwise). 5xx bodies say nothing internal.
 */
export function errorResponses(
  logger: Logger,
  surfaces: SurfaceErrorFormat[] = [],
): MiddlewareObj<HttpEvent, HttpResult, Error, TenantContext> {
  return {
    onError: async (request) => {
      const { error } = request;
      const surface = surfaces.find((s) => s.matches(request.event.rawPath)) ?? nativeErrorFormat;
      if (error instanceof IntakeError) {
        request.response = surface.format({
          status: statusOf(error),
          code: error.code,
          message: error.message,
          ...(error instanceof ValidationError ? { problems: error.problems } : {}),
        });
        return;
      }
      const status = httpErrorStatus(error);
      if (status !== undefined) {
        const notFound = status === 404;
        request.response = surface.format({
          status,
          code: notFound ? 'route_not_found' : 'bad_request',
          message: notFound
            ? `No route for ${request.event.requestContext.http.method} ${request.event.rawPath}`
            : String(error?.message),
        });
        return;
      }
      logger.error('Unhandled error', { error });
      request.response = surface.format({
        status: 500,
        code: 'internal_error',
        message: `Something went wrong on our side; quote request id ${request.context.awsRequestId} when reporting it`,
      });
    },
  };
}
