import { ValidationError } from '../core/errors.js';
import type { ResultSlot } from '../core/ports.js';
import { RETENTION_DAYS } from '../resources.js';

/** DynamoDB key layout. Every key starts with the tenant, so no query can cross tenants. */

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** DynamoDB's limits on key attributes, in UTF-8 bytes: a request with a longer key fails. */
export const DYNAMO_KEY_LIMITS = { partitionKeyBytes: 2048, sortKeyBytes: 1024 } as const;

const tooLong = (): never => {
  const message = 'An identifier in this request is too long to name anything this service stores';
  throw new ValidationError(message, [{ pointer: '/', message }], 'identifier_too_long');
};

/**
 * A partition key, or a ValidationError when it is over DynamoDB's limit: the last line of
 * defence, so no request ever carries such a key (the API refuses long ids before any store).
 */
export const partitionKey = (pk: string): string =>
  Buffer.byteLength(pk, 'utf8') > DYNAMO_KEY_LIMITS.partitionKeyBytes ? tooLong() : pk;

/** A primary key, checked as `partitionKey` checks its partition key (and its sort key likewise). */
export const primaryKey = (pk: string, sk: string): { pk: string; sk: string } => {
  if (Buffer.byteLength(sk, 'utf8') > DYNAMO_KEY_LIMITS.sortKeyBytes) tooLong();
  return { pk: partitionKey(pk), sk };
};

export const keys = {
  apiKey: (hash: string) => primaryKey(`APIKEY#${hash}`, 'APIKEY'),
  tenant: (tenantId: string) => primaryKey(`TENANT#${tenantId}`, 'TENANT'),
  /** A tenant's record of one of its keys (id, hash, creation): listed by the tenant's partition. */
  tenantKey: (tenantId: string, keyId: string) => primaryKey(`TENANT#${tenantId}`, `KEY#${keyId}`),
  tenantKeyPrefix: 'KEY#',
  /** An Idempotency-Key of a tenant, by the SHA-256 of the key. */
  idempotency: (tenantId: string, keyHash: string) =>
    primaryKey(`T#${tenantId}#IDEMPOTENCY#${keyHash}`, 'IDEMPOTENCY'),
  import: (tenantId: string, importId: string) => primaryKey(`T#${tenantId}#IMPORT#${importId}`, 'IMPORT'),
  importsOfWorkspace: (tenantId: string, workspace: string) => partitionKey(`T#${tenantId}#WS#${workspace}`),
  rowSk: (row: number, slot: 'row' | 'undo' = 'row') => `${slot === 'row' ? 'ROW' : 'UNDO'}#${pad(row, 10)}`,
  /** A result's sort key: by row for row results and their undo, by person for delete_unmatched. */
  resultSk: (slot: ResultSlot, row: number, personId: string | null) =>
    slot === 'row' || slot === 'undo' ? keys.rowSk(row, slot) : `${slot.toUpperCase()}#${personId}`,
  slotPrefix: (slot: ResultSlot) => (slot === 'row' ? 'ROW#' : `${slot.toUpperCase()}#`),
  action: (tenantId: string, importId: string, actionId: string) =>
    primaryKey(`T#${tenantId}#IMPORT#${importId}`, `ACTION#${actionId}`),
  person: (tenantId: string, personId: string) => primaryKey(`T#${tenantId}#PERSON#${personId}`, 'PERSON'),
  peopleOfWorkspace: (tenantId: string, workspace: string) => partitionKey(`T#${tenantId}#WS#${workspace}`),
  identity: (tenantId: string, workspace: string, identityKey: string) =>
    primaryKey(`T#${tenantId}#WS#${workspace}#ID#${identityKey}`, 'IDENTITY'),
};

/** Opaque pagination cursors: the last evaluated key, base64url-encoded. */
export const cursors = {
  encode: (key: Record<string, unknown> | undefined): string | null =>
    key === undefined ? null : Buffer.from(JSON.stringify(key), 'utf8').toString('base64url'),
  decode: (cursor: string | undefined): Record<string, unknown> | undefined => {
    if (cursor === undefined) return undefined;
    try {
      const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
        return parsed as Record<string, unknown>;
      }
    } catch {
      // fall through to the validation error
    }
    const message = 'cursor is not one this API returned; pass next_cursor back unchanged';
    throw new ValidationError(message, [{ pointer: 'cursor', message }], 'invalid_cursor');
  },
};

/** Items expire this long after they are written (row results and imports). */
export const RETENTION_SECONDS = RETENTION_DAYS * 24 * 3600;
export const expiresAt = (nowIso: string): number =>
  Math.floor(Date.parse(nowIso) / 1000) + RETENTION_SECONDS;
