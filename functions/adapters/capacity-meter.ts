import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** DynamoDB capacity consumed by this process, summed from `ReturnConsumedCapacity: TOTAL` (benchmarks only). */
export const consumed = { read: 0, write: 0 };

const READS = new Set([
  'GetItemCommand',
  'BatchGetItemCommand',
  'QueryCommand',
  'ScanCommand',
  'TransactGetItemsCommand',
]);

type Capacity = { CapacityUnits?: number };

type TransactItem = {
  Put?: { Item?: Record<string, unknown> };
  Delete?: { Key?: Record<string, unknown> };
  Update?: unknown;
  ConditionCheck?: unknown;
};

/** An item's size in bytes, by DynamoDB's rules (names plus values; nested values a few bytes more). */
export function itemBytes(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number' || typeof value === 'bigint') return Math.ceil(String(value).length / 2) + 1;
  if (value instanceof Uint8Array) return value.byteLength;
  if (value === null || value === undefined || typeof value === 'boolean') return 1;
  if (Array.isArray(value)) return 3 + value.reduce((sum: number, v) => sum + 1 + itemBytes(v), 0);
  if (value instanceof Set) return [...value].reduce((sum: number, v) => sum + itemBytes(v), 0);
  return (
    3 +
    Object.entries(value as Record<string, unknown>).reduce(
      (sum, [name, v]) => sum + 1 + Buffer.byteLength(name) + itemBytes(v),
      0,
    )
  );
}

/** The attribute that puts an item in the people index (gsi1). */
const INDEX_KEY = 'gsi1pk';

/**
 * What a TransactWriteItems costs, by DynamoDB's rule: 2 WCU per started KB of each item written,
 * and as much again for an index entry the item has; a delete or a condition check of a small item
 * 2 WCU.
 * DynamoDB Local reports the capacity of a transaction of several rows as that of one row, so
 * the meter works it out from the request instead (the same figure for a one-row transaction).
 */
export function transactionWriteUnits(items: TransactItem[]): number {
  let units = 0;
  for (const item of items) {
    if (item.Put?.Item) {
      // A top-level item has no map overhead.
      const kb = Math.max(1, Math.ceil((itemBytes(item.Put.Item) - 3) / 1024));
      units += 2 * kb * (INDEX_KEY in item.Put.Item ? 2 : 1);
    } else if (item.Delete) {
      // Whether the deleted item had an index entry is not in the request: people (PERSON keys) do.
      units += JSON.stringify(item.Delete.Key ?? {}).includes('#PERSON#') ? 4 : 2;
    } else {
      units += 2;
    }
  }
  return units;
}

/** Asks DynamoDB for the capacity of every call the client makes and adds it to `consumed`. */
export function meterCapacity(client: DynamoDBClient): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      (args.input as Record<string, unknown>).ReturnConsumedCapacity = 'TOTAL';
      const out = await next(args);
      const reported = (out.output as { ConsumedCapacity?: Capacity | Capacity[] }).ConsumedCapacity;
      const units =
        context.commandName === 'TransactWriteItemsCommand'
          ? transactionWriteUnits((args.input as { TransactItems?: TransactItem[] }).TransactItems ?? [])
          : [reported ?? []].flat().reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
      if (READS.has(context.commandName ?? '')) consumed.read += units;
      else consumed.write += units;
      return out;
    },
    { step: 'initialize', name: 'intakeCapacityMeter' },
  );
}
