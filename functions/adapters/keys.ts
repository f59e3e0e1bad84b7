import { chunkOfRow } from '../core/chunks.js';
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
  /**
   * The partition of a row's result and undo record: one per chunk, so the writes of an import's
   * results spread over as many keys as it has chunks (one key would cap an import at DynamoDB's
   * 1,000 WCU/s a key), and a chunk's worker reads its own rows' results in one query.
   */
  rowBlock: (tenantId: string, importId: string, chunk: number) =>
    partitionKey(`T#${tenantId}#IMPORT#${importId}#R#${chunk}`),
  /** The chunk a row-block partition key names, or null when it is not one of this import's. */
  blockOf: (tenantId: string, importId: string, pk: unknown): number | null => {
    const prefix = `T#${tenantId}#IMPORT#${importId}#R#`;
    if (typeof pk !== 'string' || !pk.startsWith(prefix)) return null;
    const chunk = Number(pk.slice(prefix.length));
    return Number.isSafeInteger(chunk) && chunk >= 0 ? chunk : null;
  },
  rowSk: (row: number, slot: 'row' | 'undo' = 'row') => `${slot === 'row' ? 'ROW' : 'UNDO'}#${pad(row, 10)}`,
  /** A result's partition: its row's block for row results and undo, the import's for delete_unmatched. */
  resultPk: (tenantId: string, importId: string, slot: ResultSlot, row: number) =>
    slot === 'row' || slot === 'undo'
      ? keys.rowBlock(tenantId, importId, chunkOfRow(row))
      : keys.import(tenantId, importId).pk,
  /** A result's sort key: by row for row results and their undo, by person for delete_unmatched. */
  resultSk: (slot: ResultSlot, row: number, personId: string | null) =>
    slot === 'row' || slot === 'undo' ? keys.rowSk(row, slot) : `${slot.toUpperCase()}#${personId}`,
  slotPrefix: (slot: ResultSlot) => (slot === 'row' ? 'ROW#' : `${slot.toUpperCase()}#`),
  action: (tenantId: string, importId: string, actionId: string) =>
    primaryKey(`T#${tenantId}#IMPORT#${importId}`, `ACTION#${actionId}`),
  person: (tenantId: string, personId: string) => primaryKey(`T#${tenantId}#PERSON#${personId}`, 'PERSON'),
  /**
   * One shard of a workspace's people in the people index: a person is in shard `indexShard(id)`,
   * so writes to a workspace's people spread over PEOPLE_INDEX_SHARDS keys; listing reads them all.
   */
  peopleOfWorkspace: (tenantId: string, workspace: string, shard: number) =>
    partitionKey(`T#${tenantId}#WS#${workspace}#S#${shard}`),
  identity: (tenantId: string, workspace: string, identityKey: string) =>
    primaryKey(`T#${tenantId}#WS#${workspace}#ID#${identityKey}`, 'IDENTITY'),
};

/**
 * Shards of a workspace in the people index. With 16, an import that writes a person per row at
 * 2 WCU (a transaction) takes 1/8 WCU a row on each shard: 8,000 rows/s before one passes 1,000
 * WCU/s (README, "Capacity and cost in AWS"); a page of people reads 16 partitions at once.
 */
export const PEOPLE_INDEX_SHARDS = 16;

/** The people-index shard of a person: FNV-1a of its id, modulo the shard count (stable forever). */
export function indexShard(personId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < personId.length; i++) {
    hash ^= personId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % PEOPLE_INDEX_SHARDS;
}

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
    return cursors.invalid();
  },
  /** The error for a cursor this API never answered. */
  invalid: (): never => {
    const message = 'cursor is not one this API returned; pass next_cursor back unchanged';
    throw new ValidationError(message, [{ pointer: 'cursor', message }], 'invalid_cursor');
  },
};

/** Items expire this long after they are written (row results and imports). */
export const RETENTION_SECONDS = RETENTION_DAYS * 24 * 3600;
export const expiresAt = (nowIso: string): number =>
  Math.floor(Date.parse(nowIso) / 1000) + RETENTION_SECONDS;
