import { ValidationError } from '../../../functions/core/errors.js';

/**
 * Opaque pagination cursors for the in-memory stores: the sort key of the last item read,
 * base64url-encoded, refused as DynamoDB's adapters refuse a cursor they did not write.
 */
export const memoryCursors = {
  encode: (lastKey: string | undefined): string | null =>
    lastKey === undefined
      ? null
      : Buffer.from(JSON.stringify({ after: lastKey }), 'utf8').toString('base64url'),
  decode: (cursor: string | undefined): string | undefined => {
    if (cursor === undefined) return undefined;
    try {
      const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
      const after = (parsed as { after?: unknown } | null)?.after;
      if (typeof after === 'string') return after;
    } catch {
      // fall through to the validation error
    }
    const message = 'cursor is not one this API returned; pass next_cursor back unchanged';
    throw new ValidationError(message, [{ pointer: 'cursor', message }], 'invalid_cursor');
  },
};

/**
 * One page of a sorted key range as a DynamoDB Query with `Limit` reads it: up to `limit` items
 * after `after`, and the last key read whenever the limit was reached (even when nothing follows:
 * DynamoDB answers a LastEvaluatedKey then too, and the next page is empty).
 */
export function queryPage<T>(
  sorted: { key: string; item: T }[],
  limit: number,
  after: string | undefined,
): { items: { key: string; item: T }[]; last: string | undefined } {
  if (!Number.isInteger(limit) || limit < 1) throw new Error(`Query Limit must be at least 1, not ${limit}`);
  const start = after === undefined ? 0 : sorted.findIndex((entry) => entry.key > after);
  const items = start < 0 ? [] : sorted.slice(start, start + limit);
  return { items, last: items.length === limit ? items[items.length - 1]?.key : undefined };
}

/** Entries sorted by key, as a DynamoDB table or index orders its items. */
export const byKey = <T>(entries: Iterable<{ key: string; item: T }>) =>
  [...entries].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
