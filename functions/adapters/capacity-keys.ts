/**
 * Which partition keys a DynamoDB request touches, and how its consumed capacity divides among them
 * (benchmarks only: the capacity meter uses it to find hot keys). A request names its keys; the
 * answer, with `ReturnConsumedCapacity: INDEXES`, names the units per table and per index, which are
 * shared among the request's keys of that table (or index) in proportion to their items' sizes.
 */

/** One item a request reads or writes: its table, partition key, index entry, and weight. */
export interface Touch {
  table: string;
  pk: string;
  /** The item's index entry (index name and partition key), when the request carries it. */
  index?: { name: string; pk: string };
  /** Relative share of its table's units: the item's started KB for writes, 1 for reads. */
  weight: number;
  /** The item's primary key, to remember its index entry for later updates and deletes. */
  id?: string;
}

/** Units charged to one partition key of one table or index (`table` or `table/index`). */
export interface KeyCharge {
  target: string;
  key: string;
  units: number;
}

type Plain = Record<string, unknown>;

/** A string attribute, plain (document client) or marshalled (`{ S: ... }`). */
export const text = (value: unknown): string | undefined =>
  typeof value === 'string'
    ? value
    : typeof value === 'object' && value !== null && typeof (value as Plain).S === 'string'
      ? ((value as Plain).S as string)
      : undefined;

/** The attribute that puts an item in an index (gsi1), on both tables. */
export const INDEX_KEY = 'gsi1pk';
const INDEX_NAME = 'gsi1';

/**
 * Index entries of items written with one, by primary key: an update or delete does not name the
 * entry it rewrites. Bounded: past the limit it starts again (a miss is charged to an unknown key).
 */
const remembered = new Map<string, string>();
const REMEMBER_LIMIT = 200_000;

const idOf = (table: string, key: Plain | undefined): string => `${table}|${text(key?.pk)}|${text(key?.sk)}`;

function remember(touch: Touch): void {
  if (!touch.id || !touch.index) return;
  if (remembered.size >= REMEMBER_LIMIT) remembered.clear();
  remembered.set(touch.id, touch.index.pk);
}

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
    Object.entries(value as Plain).reduce(
      (sum, [name, v]) => sum + 1 + Buffer.byteLength(name) + itemBytes(v),
      0,
    )
  );
}

/** Started KB of a top-level item (which has no map overhead). */
export const itemKb = (item: Plain): number => Math.max(1, Math.ceil((itemBytes(item) - 3) / 1024));

const putTouch = (table: string, item: Plain): Touch => {
  const indexPk = text(item[INDEX_KEY]);
  const touch: Touch = {
    table,
    pk: text(item.pk) ?? '?',
    weight: itemKb(item),
    id: idOf(table, item),
    ...(indexPk ? { index: { name: INDEX_NAME, pk: indexPk } } : {}),
  };
  remember(touch);
  return touch;
};

const keyTouch = (table: string, key: Plain | undefined, weight = 1): Touch => {
  const id = idOf(table, key);
  const indexPk = remembered.get(id);
  return {
    table,
    pk: text(key?.pk) ?? '?',
    weight,
    id,
    ...(indexPk ? { index: { name: INDEX_NAME, pk: indexPk } } : {}),
  };
};

/** The partition key a query's key condition names (`pk = :v` or `gsi1pk = :v`). */
function queryKey(input: Plain): string {
  const condition = String(input.KeyConditionExpression ?? '');
  const bound = /(?:^|\(|\s)#?\w+\s*=\s*(:\w+)/.exec(condition)?.[1];
  const values = (input.ExpressionAttributeValues ?? {}) as Plain;
  return (bound && text(values[bound])) ?? '?';
}

/** The items a request reads or writes, as far as the request says. */
export function touches(command: string, input: Plain): Touch[] {
  const table = String(input.TableName ?? '');
  switch (command) {
    case 'GetItemCommand':
    case 'UpdateItemCommand':
    case 'DeleteItemCommand':
      return [keyTouch(table, input.Key as Plain)];
    case 'PutItemCommand':
      return [putTouch(table, input.Item as Plain)];
    case 'QueryCommand': {
      const pk = queryKey(input);
      const index = input.IndexName as string | undefined;
      return [{ table, pk: index ? '' : pk, weight: 1, ...(index ? { index: { name: index, pk } } : {}) }];
    }
    case 'BatchGetItemCommand':
      return Object.entries((input.RequestItems ?? {}) as Record<string, { Keys?: Plain[] }>).flatMap(
        ([name, request]) => (request.Keys ?? []).map((key) => keyTouch(name, key)),
      );
    case 'BatchWriteItemCommand':
      return Object.entries((input.RequestItems ?? {}) as Record<string, Plain[]>).flatMap(([name, writes]) =>
        writes.map((write) => {
          const put = (write.PutRequest as Plain | undefined)?.Item as Plain | undefined;
          return put ? putTouch(name, put) : keyTouch(name, (write.DeleteRequest as Plain)?.Key as Plain);
        }),
      );
    default:
      return [];
  }
}

type Reported = {
  TableName?: string;
  CapacityUnits?: number;
  Table?: { CapacityUnits?: number };
  GlobalSecondaryIndexes?: Record<string, { CapacityUnits?: number }>;
};

/** Shares `units` among `touches` by weight, each charged to `keyOf(touch)` on `target`. */
function share(units: number, target: string, list: Touch[], keyOf: (t: Touch) => string): KeyCharge[] {
  const total = list.reduce((sum, t) => sum + t.weight, 0);
  if (units === 0) return [];
  if (list.length === 0 || total === 0) return [{ target, key: '(unknown)', units }];
  return list.map((t) => ({ target, key: keyOf(t), units: (units * t.weight) / total }));
}

/** The units a response reports, per table and index, charged to the request's keys. */
export function chargesOfReported(list: Touch[], reported: Reported[]): KeyCharge[] {
  return reported.flatMap((capacity) => {
    const table = capacity.TableName ?? '';
    const ofTable = list.filter((t) => t.table === table);
    const tableUnits =
      capacity.Table?.CapacityUnits ?? (capacity.GlobalSecondaryIndexes ? 0 : (capacity.CapacityUnits ?? 0));
    const charges = share(
      tableUnits,
      table,
      ofTable.filter((t) => t.pk !== ''),
      (t) => t.pk,
    );
    for (const [name, index] of Object.entries(capacity.GlobalSecondaryIndexes ?? {})) {
      const entries = ofTable.filter((t) => t.index?.name === name);
      charges.push(
        ...share(index.CapacityUnits ?? 0, `${table}/${name}`, entries, (t) => t.index?.pk ?? '?'),
      );
    }
    return charges;
  });
}

type TransactItem = {
  Put?: { TableName?: string; Item?: Plain };
  Delete?: { TableName?: string; Key?: Plain };
  Update?: { TableName?: string; Key?: Plain };
  ConditionCheck?: { TableName?: string; Key?: Plain };
};

/**
 * What a TransactWriteItems costs, by DynamoDB's rule: 2 WCU per started KB of each item written,
 * and as much again for its index entry; a delete, update or condition check of a small item 2 WCU
 * (and 2 more for the index entry a delete or update rewrites), each charged to its key.
 * DynamoDB Local reports the capacity of a transaction of several rows as that of one row, so
 * the meter works it out from the request instead (the same figure for a one-row transaction).
 */
export function transactionCharges(items: TransactItem[]): KeyCharge[] {
  return items.flatMap((item): KeyCharge[] => {
    const write = item.Put ?? item.Delete ?? item.Update ?? item.ConditionCheck;
    const table = write?.TableName ?? '';
    const touch = item.Put?.Item
      ? putTouch(table, item.Put.Item)
      : keyTouch(table, (item.Delete ?? item.Update ?? item.ConditionCheck)?.Key);
    const units = 2 * touch.weight;
    const base = { target: table, key: touch.pk, units };
    // Whether a deleted person had an index entry is not in the request: people (PERSON keys) do.
    const index =
      touch.index ??
      (item.Delete && touch.pk.includes('#PERSON#') ? { name: INDEX_NAME, pk: '(unknown)' } : undefined);
    if (item.ConditionCheck || !index) return [base];
    return [base, { target: `${table}/${index.name}`, key: index.pk, units }];
  });
}

/** The total of a transaction's charges (the figure `test/integration/capacity-meter.test.ts` checks). */
export const transactionWriteUnits = (items: TransactItem[]): number =>
  transactionCharges(items).reduce((sum, c) => sum + c.units, 0);

/**
 * What AWS charges for the keys a BatchGetItem found nothing at, which DynamoDB Local leaves out
 * of its figure: AWS reads each requested key as a GetItem, and a read of an item that does not
 * exist still takes 0.5 RCU (1 when consistent). Keys left unprocessed were not read.
 */
export function batchGetMissCharges(input: Plain, output: Plain): KeyCharge[] {
  const requests = (input.RequestItems ?? {}) as Record<string, { Keys?: Plain[]; ConsistentRead?: boolean }>;
  const responses = (output.Responses ?? {}) as Record<string, Plain[]>;
  const unprocessed = (output.UnprocessedKeys ?? {}) as Record<string, { Keys?: Plain[] }>;
  const idOfKey = (key: Plain) => `${text(key.pk)}|${text(key.sk)}`;
  return Object.entries(requests).flatMap(([table, request]) => {
    const answered = new Set([...(responses[table] ?? []), ...(unprocessed[table]?.Keys ?? [])].map(idOfKey));
    return (request.Keys ?? [])
      .filter((key) => !answered.has(idOfKey(key)))
      .map((key) => ({ target: table, key: text(key.pk) ?? '?', units: request.ConsistentRead ? 1 : 0.5 }));
  });
}
