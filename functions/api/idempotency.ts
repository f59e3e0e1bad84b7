import { createHash, randomUUID } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { MiddlewareObj, Request } from '@middy/core';
import { IdempotencyKeyInFlightError, IdempotencyKeyReusedError, ValidationError } from '../core/errors.js';
import type { IdempotencyClaim, IdempotencyStore, StoredResponse } from '../core/ports.js';
import type { HttpEvent, HttpResult, TenantContext } from './http.js';

/**
 * `Idempotency-Key` on POST requests, on every surface: the same key with the same request within
 * 24 h replays the first answer (status, headers and body, plus `idempotent-replayed: true`)
 * without running the route again; with another request it answers 422 `idempotency_key_reused`;
 * while the first request still runs, 409 `idempotency_key_in_flight`. A 5xx answer (or a crash)
 * releases the key, so the client can retry; any other answer is kept and replayed.
 *
 * Why not Powertools' idempotency utility: its middy middleware keys records on the raw event,
 * before any route knows the tenant, so one tenant's key would collide with another's unless the
 * key were rebuilt from the API-key header (a secret) — and it stores records in its own table
 * layout, beside the one key layout of the jobs table (functions/adapters/keys.ts). Here the
 * middleware runs after `authenticate`, keys each record by tenant and key hash, and keeps it in
 * the jobs table with a conditional put and the table's TTL, behind the IdempotencyStore port.
 */

type Middleware = MiddlewareObj<HttpEvent, HttpResult, Error, TenantContext>;
type HttpRequest = Request<HttpEvent, HttpResult, Error, TenantContext>;

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
export const REPLAYED_HEADER = 'idempotent-replayed';
/** How long a key holds its answer. */
export const IDEMPOTENCY_WINDOW_MS = 24 * 3600 * 1000;
/** 1-255 printable ASCII characters (spaces only between others). */
const VALID_KEY = /^[\x21-\x7e](?:[\x20-\x7e]{0,253}[\x21-\x7e])?$/;
/** How long a request holds its key when the Lambda context does not say how long it may run. */
const DEFAULT_LEASE_MS = 30_000;
const LEASE_MARGIN_MS = 1_000;

export interface IdempotencyOptions {
  /**
   * The middleware that turns errors into responses (`errorResponses`): this one calls it on an
   * error, so that the answer kept is exactly the one sent in the surface's own format, and then
   * ends the onError chain with that answer.
   */
  errors: Pick<Middleware, 'onError'>;
  /** Epoch milliseconds. */
  now?: () => number;
  /** Told when a record cannot be completed or released (the key then frees itself at its lease's end). */
  logger?: Pick<Logger, 'warn'>;
}

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

function headerOf(event: HttpEvent, name: string): string | undefined {
  const found = Object.keys(event.headers ?? {}).find((key) => key.toLowerCase() === name);
  return found === undefined ? undefined : event.headers[found];
}

/** What a key is bound to: method, path with query string, and the body's bytes. */
export function requestHash(event: HttpEvent): string {
  const body = Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8');
  const head = `${event.requestContext.http.method}\n${event.rawPath}?${event.rawQueryString ?? ''}\n`;
  return sha256(Buffer.concat([Buffer.from(head, 'utf8'), body]));
}

function checkKey(key: string): void {
  if (VALID_KEY.test(key)) return;
  const message = 'Idempotency-Key must be 1 to 255 printable ASCII characters';
  throw new ValidationError(message, [{ pointer: 'Idempotency-Key', message }], 'invalid_idempotency_key');
}

const toStored = (response: HttpResult): StoredResponse => {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers ?? {})) headers[name] = String(value);
  return {
    statusCode: response.statusCode ?? 200,
    headers,
    body: response.body ?? '',
    isBase64Encoded: response.isBase64Encoded ?? false,
  };
};

const replay = (stored: StoredResponse): HttpResult => ({
  ...stored,
  headers: { ...stored.headers, [REPLAYED_HEADER]: 'true' },
});

/** Runs after `authenticate` (it needs the tenant); `errors` must be the error middleware used before it. */
export function idempotency(store: IdempotencyStore, options: IdempotencyOptions): Middleware {
  const now = options.now ?? Date.now;
  const claims = new WeakMap<HttpRequest, IdempotencyClaim>();

  const settle = async (claim: IdempotencyClaim, response: HttpResult): Promise<void> => {
    const stored = toStored(response);
    try {
      if (stored.statusCode >= 500) await store.release(claim);
      else await store.complete(claim, stored);
    } catch (error) {
      options.logger?.warn('Could not settle an Idempotency-Key record', {
        error,
        status: stored.statusCode,
      });
    }
  };

  return {
    before: async (request) => {
      const { event, context } = request;
      if (event.requestContext.http.method !== 'POST' || context.tenant === undefined) return;
      const key = headerOf(event, IDEMPOTENCY_KEY_HEADER);
      if (key === undefined) return;
      checkKey(key);
      const at = now();
      const remaining = context.getRemainingTimeInMillis?.() ?? 0;
      const claim: IdempotencyClaim = {
        tenantId: context.tenant.id,
        keyHash: sha256(key),
        requestHash: requestHash(event),
        token: randomUUID(),
        now: at,
        lockedUntil: at + (remaining > 0 ? remaining : DEFAULT_LEASE_MS) + LEASE_MARGIN_MS,
        expiresAt: at + IDEMPOTENCY_WINDOW_MS,
      };
      const held = await store.claim(claim);
      if (held === null) {
        claims.set(request, claim);
        return;
      }
      if (held.requestHash !== claim.requestHash) throw new IdempotencyKeyReusedError();
      if (held.status === 'in_progress') throw new IdempotencyKeyInFlightError();
      return replay(held.response);
    },
    after: async (request) => {
      const claim = claims.get(request);
      if (claim === undefined) return;
      claims.delete(request);
      await settle(claim, request.response || { statusCode: 500 });
    },
    onError: async (request) => {
      const claim = claims.get(request);
      if (claim === undefined) return;
      claims.delete(request);
      await options.errors.onError?.(request);
      const response = request.response;
      if (!response) {
        await settle(claim, { statusCode: 500 });
        return;
      }
      await settle(claim, response);
      return response;
    },
  };
}
