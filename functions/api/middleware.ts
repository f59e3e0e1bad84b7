import type { Logger } from '@aws-lambda-powertools/logger';
import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { apiKeyFrom, hashApiKey, type Tenant, type TenantStore } from '../core/auth.js';
import {
  AuthenticationError,
  ConflictError,
  IntakeError,
  NotFoundError,
  ValidationError,
} from '../core/errors.js';
import { type HttpEvent, type HttpResult, json, MalformedJsonError } from './http.js';

export interface TenantContext extends Context {
  tenant: Tenant;
}

const PUBLIC_PATHS = new Set(['/health']);
const CACHE_MS = 60_000;
const CACHE_MAX = 1000;

/** Resolves the API key to its tenant before any route runs; unknown keys get 401. */
export function authenticate(
  tenants: TenantStore,
): MiddlewareObj<HttpEvent, HttpResult, Error, TenantContext> {
  const cache = new Map<string, { tenant: Tenant; until: number }>();
  return {
    before: async (request) => {
      if (PUBLIC_PATHS.has(request.event.rawPath)) return;
      const key = apiKeyFrom(request.event.headers ?? {});
      if (key === null) throw new AuthenticationError();
      const hash = hashApiKey(key);
      const cached = cache.get(hash);
      if (cached && cached.until > Date.now()) {
        request.context.tenant = cached.tenant;
        return;
      }
      const tenant = await tenants.tenantForKey(hash);
      if (tenant === null) throw new AuthenticationError('The API key is not valid');
      if (cache.size >= CACHE_MAX) cache.clear();
      cache.set(hash, { tenant, until: Date.now() + CACHE_MS });
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
  if (error instanceof MalformedJsonError) return 400;
  if (error instanceof NotFoundError) return 404;
  if (error instanceof AuthenticationError) return 401;
  if (error instanceof ConflictError) return 409;
  return 400;
};

/** Turns every error into the native error body; 5xx bodies say nothing internal. */
export function errorResponses(logger: Logger): MiddlewareObj<HttpEvent, HttpResult, Error, TenantContext> {
  return {
    onError: async (request) => {
      const { error } = request;
      if (error instanceof IntakeError) {
        const details = error instanceof ValidationError ? { details: error.problems } : {};
        request.response = json(statusOf(error), {
          error: { code: error.code, message: error.message, ...details },
        });
        return;
      }
      const status = httpErrorStatus(error);
      if (status !== undefined) {
        const message =
          status === 404
            ? `No route for ${request.event.requestContext.http.method} ${request.event.rawPath}`
            : String(error?.message);
        request.response = json(status, {
          error: { code: status === 404 ? 'route_not_found' : 'bad_request', message },
        });
        return;
      }
      logger.error('Unhandled error', { error });
      request.response = json(500, {
        error: {
          code: 'internal_error',
          message: `Something went wrong on our side; quote request id ${request.context.awsRequestId} when reporting it`,
        },
      });
    },
  };
}
