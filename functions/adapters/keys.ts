import { ValidationError } from '../core/errors.js';
import type { ResultSlot } from '../core/ports.js';
import { RETENTION_DAYS } from '../resources.js';

/** DynamoDB key layout. Every key starts with the tenant, so no query can cross tenants. */

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

export const keys = {
  apiKey: (hash: string) => ({ pk: `APIKEY#${hash}`, sk: 'APIKEY' }),
  tenant: (tenantId: string) => ({ pk: `TENANT#${tenantId}`, sk: 'TENANT' }),
  /** A tenant's record of one of its keys (id, hash, creation): listed by the tenant's partition. */
  tenantKey: (tenantId: string, keyId: string) => ({ pk: `TENANT#${tenantId}`, sk: `KEY#${keyId}` }),
  tenantKeyPrefix: 'KEY#',
  /** An Idempotency-Key of a tenant, by the SHA-256 of the key. */
  idempotency: (tenantId: string, keyHash: string) => ({
    pk: `T#${tenantId}#IDEMPOTENCY#${keyHash}`,
    sk: 'IDEMPOTENCY',
  }),
  import: (tenantId: string, importId: string) => ({ pk: `T#${tenantId}#IMPORT#${importId}`, sk: 'IMPORT' }),
  importsOfWorkspace: (tenantId: string, workspace: string) => `T#${tenantId}#WS#${workspace}`,
  rowSk: (row: number, slot: 'row' | 'undo' = 'row') => `${slot === 'row' ? 'ROW' : 'UNDO'}#${pad(row, 10)}`,
  /** A result's sort key: by row for row results and their undo, by person for delete_unmatched. */
  resultSk: (slot: ResultSlot, row: number, personId: string | null) =>
    slot === 'row' || slot === 'undo' ? keys.rowSk(row, slot) : `${slot.toUpperCase()}#${personId}`,
  slotPrefix: (slot: ResultSlot) => (slot === 'row' ? 'ROW#' : `${slot.toUpperCase()}#`),
  action: (tenantId: string, importId: string, actionId: string) => ({
    pk: `T#${tenantId}#IMPORT#${importId}`,
    sk: `ACTION#${actionId}`,
  }),
  person: (tenantId: string, personId: string) => ({ pk: `T#${tenantId}#PERSON#${personId}`, sk: 'PERSON' }),
  peopleOfWorkspace: (tenantId: string, workspace: string) => `T#${tenantId}#WS#${workspace}`,
  identity: (tenantId: string, workspace: string, identityKey: string) => ({
    pk: `T#${tenantId}#WS#${workspace}#ID#${identityKey}`,
    sk: 'IDENTITY',
  }),
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
