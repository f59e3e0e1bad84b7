/**
 * The baselines the benchmark compares Intake with, measured in the same run on the same machine:
 *   - a raw papaparse streaming parse of the same file        (baseline for analysis)
 *   - raw BatchWriteItem of as many person items, same concurrency (baseline for import)
 * and the ceilings those ratios have on this machine: raw BatchGetItem of the lookups the review
 * needs, and the items an import must write, raw (BatchWriteItem) and atomic (TransactWriteItems).
 */
import { createReadStream } from 'node:fs';
import {
  type AttributeValue,
  BatchGetItemCommand,
  type BatchGetItemCommandOutput,
  BatchWriteItemCommand,
  DynamoDBClient,
  TransactWriteItemsCommand,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import Papa from 'papaparse';
import { PARALLEL_GETS } from '../functions/adapters/dynamo-batch.js';
import { keys } from '../functions/adapters/keys.js';
import { REVIEW_CONCURRENCY } from '../functions/core/analyze.js';
import { tables, workers } from '../functions/resources.js';
import { type State, TENANT } from './runtime-client.js';

/** BatchGetItem requests the review has in flight: chunks reviewed at once, each a few requests. */
const REVIEW_GETS_IN_FLIGHT = REVIEW_CONCURRENCY * PARALLEL_GETS;

/** A raw papaparse streaming parse of the file, header and all rows; answers its milliseconds. */
export function rawParse(path: string, expected: number): Promise<number> {
  return new Promise((done) => {
    const started = performance.now();
    let rows = 0;
    Papa.parse(createReadStream(path), {
      header: true,
      step: () => {
        rows += 1;
      },
      complete: () => {
        if (rows !== expected) throw new Error(`raw parse read ${rows} rows, expected ${expected}`);
        done(performance.now() - started);
      },
    });
  });
}

/** A plain DynamoDB client on the runtime's DynamoDB Local. */
const dynamo = (state: State) =>
  new DynamoDBClient({
    region: state.env.AWS_REGION,
    endpoint: state.env.AWS_ENDPOINT_URL_DYNAMODB ?? state.env.AWS_ENDPOINT_URL,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });

/** Runs `work` over `count` items, `size` at a time, with `concurrency` calls in flight. */
async function inBatches(
  count: number,
  size: number,
  concurrency: number,
  work: (start: number, end: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const start = next;
      next = Math.min(count, next + size);
      await work(start, next);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** Sends BatchWriteItem until nothing is left unprocessed; returns the write units consumed. */
async function batchWrite(client: DynamoDBClient, requests: Record<string, WriteRequest[]>): Promise<number> {
  let wcu = 0;
  let pending = requests;
  while (Object.keys(pending).length > 0) {
    const out = await client.send(
      new BatchWriteItemCommand({ RequestItems: pending, ReturnConsumedCapacity: 'TOTAL' }),
    );
    wcu += (out.ConsumedCapacity ?? []).reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
    pending = out.UnprocessedItems ?? {};
  }
  return wcu;
}

/** Raw BatchWriteItem of `rows` person-sized items, with the chunk workers' concurrency. */
export async function rawWrite(state: State, rows: number): Promise<{ ms: number; wcu: number }> {
  const client = dynamo(state);
  const table = state.env[tables.people.env] as string;
  let wcu = 0;
  const item = (i: number): WriteRequest => ({
    PutRequest: {
      Item: {
        pk: { S: `T#bench#PERSON#raw-${i}` },
        sk: { S: 'PERSON' },
        gsi1pk: { S: 'T#bench#WS#raw' },
        gsi1sk: { S: `PERSON#raw-${i}` },
        id: { S: `raw-${i}` },
        identifiers: { L: [{ M: { kind: { S: 'email' }, value: { S: `user${i}@example.com` } } }] },
        attributes: { M: { team: { S: `team-${i % 7}` }, city: { S: 'x' }, score: { S: String(i % 100) } } },
        version: { N: '1' },
      },
    },
  });
  const started = performance.now();
  await inBatches(rows, 25, workers.processChunk.maxConcurrency, async (start, end) => {
    const requests = Array.from({ length: end - start }, (_, k) => item(start + k));
    wcu += await batchWrite(client, { [table]: requests });
  });
  return { ms: performance.now() - started, wcu };
}

/**
 * The items the engine must write for `rows` rows, with nothing else: each row's result; half the
 * rows create a person with two identity items, half rewrite a person.
 */
function rowItems(
  state: State,
  tag: string,
  i: number,
): { table: string; item: Record<string, AttributeValue> }[] {
  const people = state.env[tables.people.env] as string;
  const jobs = state.env[tables.jobs.env] as string;
  return [
    {
      table: jobs,
      item: {
        pk: { S: `T#bench#IMPORT#${tag}` },
        sk: { S: `ROW#${String(i).padStart(9, '0')}` },
        row: { N: String(i) },
        outcome: { S: i % 2 === 0 ? 'created' : 'updated' },
        person_id: { S: `${tag}-${i}` },
      },
    },
    {
      table: people,
      item: {
        pk: { S: `T#bench#PERSON#${tag}-${i}` },
        sk: { S: 'PERSON' },
        gsi1pk: { S: `T#bench#WS#${tag}` },
        gsi1sk: { S: `PERSON#${tag}-${i}` },
        id: { S: `${tag}-${i}` },
        identifiers: { L: [{ M: { kind: { S: 'email' }, value: { S: `${tag}${i}@example.com` } } }] },
        attributes: { M: { team: { S: `team-${i % 7}` }, city: { S: 'x' }, score: { S: String(i % 100) } } },
        version: { N: '1' },
      },
    },
    ...(i % 2 === 0
      ? ['email', 'external_id'].map((kind) => ({
          table: people,
          item: {
            pk: { S: `T#bench#WS#${tag}#ID#${kind}:${tag}-${i}` },
            sk: { S: 'IDENTITY' },
            person_id: { S: `${tag}-${i}` },
          },
        }))
      : []),
  ];
}

/**
 * The rows' items written as the engine must write them, with nothing else: each row atomic with
 * its result, 25 rows to a TransactWriteItems, same concurrency. Not a target: it shows how much of
 * the gap to raw BatchWriteItem is the atomicity itself on this emulator, which runs transactions
 * one at a time.
 */
export async function rawAtomic(state: State, rows: number): Promise<{ ms: number }> {
  const client = dynamo(state);
  const started = performance.now();
  await inBatches(rows, 25, workers.processChunk.maxConcurrency, async (start, end) => {
    const items = Array.from({ length: end - start }, (_, k) => rowItems(state, 'atomic', start + k)).flat();
    await client.send(
      new TransactWriteItemsCommand({
        TransactItems: items.map(({ table, item }) => ({
          Put: { TableName: table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' },
        })),
      }),
    );
  });
  return { ms: performance.now() - started };
}

/**
 * The same items with BatchWriteItem: no atomicity, no conditions, 25 items a request, same
 * concurrency. The ceiling for any engine that keeps a result for every row in DynamoDB: its
 * ratio to raw write is the best import / raw write could be on this emulator.
 */
export async function rawItems(state: State, rows: number): Promise<{ ms: number }> {
  const client = dynamo(state);
  const items = Array.from({ length: rows }, (_, i) => rowItems(state, 'items', i)).flat();
  const started = performance.now();
  await inBatches(items.length, 25, workers.processChunk.maxConcurrency, async (start, end) => {
    const requests: Record<string, WriteRequest[]> = {};
    for (const { table, item } of items.slice(start, end)) {
      requests[table] ??= [];
      requests[table].push({ PutRequest: { Item: item } });
    }
    await batchWrite(client, requests);
  });
  return { ms: performance.now() - started };
}

/**
 * The reads the review cannot do without, with nothing else: every row's two identity items, then
 * the people they point at, BatchGetItem of 100 keys, as many requests in flight as the review
 * has. With the raw parse it bounds any analysis that predicts outcomes against the people.
 */
export async function rawLookups(state: State, workspace: string, rows: number): Promise<{ ms: number }> {
  const client = dynamo(state);
  const table = state.env[tables.people.env] as string;
  const key = ({ pk, sk }: { pk: string; sk: string }) => ({ pk: { S: pk }, sk: { S: sk } });
  const getAll = async (wanted: Record<string, AttributeValue>[]) => {
    const found: Record<string, AttributeValue>[] = [];
    await inBatches(wanted.length, 100, REVIEW_GETS_IN_FLIGHT, async (start, end) => {
      let pending: Record<string, AttributeValue>[] | undefined = wanted.slice(start, end);
      while (pending && pending.length > 0) {
        const out: BatchGetItemCommandOutput = await client.send(
          new BatchGetItemCommand({ RequestItems: { [table]: { Keys: pending } } }),
        );
        found.push(...(out.Responses?.[table] ?? []));
        pending = out.UnprocessedKeys?.[table]?.Keys;
      }
    });
    return found;
  };
  const identities = Array.from({ length: rows }, (_, i) =>
    [`external_id:ext-${i}`, `email:user${i}@example.com`].map((id) =>
      key(keys.identity(TENANT, workspace, id)),
    ),
  ).flat();
  const started = performance.now();
  const owners = await getAll(identities);
  const ids = new Set(owners.map((item) => item.person_id?.S as string));
  const people = await getAll([...ids].map((id) => key(keys.person(TENANT, id))));
  if (people.length !== ids.size) throw new Error(`raw lookups found ${people.length} of ${ids.size} people`);
  return { ms: performance.now() - started };
}
