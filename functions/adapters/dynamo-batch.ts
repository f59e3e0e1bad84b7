import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  BatchWriteCommand,
  type BatchWriteCommandOutput,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';

const BATCH_GET_MAX = 100;
const MAX_ROUNDS = 8;

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The errors DynamoDB answers when a key, a partition or the account is over its throughput. */
const THROTTLES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
]);

export const isThrottle = (error: unknown): boolean => error instanceof Error && THROTTLES.has(error.name);

/**
 * Attempts at a request DynamoDB throttles (on top of the SDK's own three), and the backoff between
 * them: full jitter, up to 50 ms x 2^attempt and at most 2 s, so at most about 8 s in all, well
 * inside a chunk worker's 120 s. A throttled key is over 1,000 WCU/s (or 3,000 RCU/s) for the
 * moment; workers that back off at random times spread their retries over the next seconds.
 */
export const THROTTLE_ATTEMPTS = 8;
export const throttleBackoff = (attempt: number): Promise<void> =>
  pause(Math.random() * Math.min(2_000, 50 * 2 ** attempt));

/** Sends a request again while DynamoDB throttles it, with backoff; a throttled request wrote nothing. */
export async function retryThrottled<T>(send: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (error) {
      if (!isThrottle(error) || attempt >= THROTTLE_ATTEMPTS) throw error;
      await throttleBackoff(attempt);
    }
  }
}

/** BatchGetItem requests in flight at once for one call. */
export const PARALLEL_GETS = 4;

/**
 * Sends any number of entries in requests of `size`, PARALLEL_GETS requests at once; `send` answers
 * the entries a request left unprocessed, which go again with backoff, up to MAX_ROUNDS rounds.
 */
async function inBatches<T>(
  entries: T[],
  size: number,
  what: string,
  send: (batch: T[]) => Promise<T[] | undefined>,
): Promise<void> {
  const batches: T[][] = [];
  for (let start = 0; start < entries.length; start += size) batches.push(entries.slice(start, start + size));
  let next = 0;
  const sender = async () => {
    while (next < batches.length) {
      let pending: T[] | undefined = batches[next++];
      for (let round = 0; pending && pending.length > 0; round++) {
        if (round >= MAX_ROUNDS) throw new Error(`${what} left entries unprocessed after ${round} rounds`);
        if (round > 0) await pause(25 * 2 ** round);
        const batch: T[] = pending;
        pending = await retryThrottled(() => send(batch));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_GETS, batches.length) }, sender));
}

/** BatchGetItem over any number of keys, a few requests at once, retrying unprocessed keys with backoff. */
export async function batchGet(
  client: DynamoDBDocumentClient,
  table: string,
  keys: Record<string, unknown>[],
): Promise<Record<string, unknown>[]> {
  const found: Record<string, unknown>[] = [];
  await inBatches(keys, BATCH_GET_MAX, `BatchGetItem on ${table}`, async (Keys) => {
    const out: BatchGetCommandOutput = await client.send(
      new BatchGetCommand({ RequestItems: { [table]: { Keys } } }),
    );
    found.push(...(out.Responses?.[table] ?? []));
    return out.UnprocessedKeys?.[table]?.Keys;
  });
  return found;
}

const BATCH_WRITE_MAX = 25;

/** Unconditional puts of any number of items, 25 to a BatchWriteItem, a few requests at once. */
export async function batchPut(
  client: DynamoDBDocumentClient,
  table: string,
  items: Record<string, unknown>[],
): Promise<void> {
  await inBatches(items, BATCH_WRITE_MAX, `BatchWriteItem on ${table}`, async (batch) => {
    const out: BatchWriteCommandOutput = await client.send(
      new BatchWriteCommand({ RequestItems: { [table]: batch.map((Item) => ({ PutRequest: { Item } })) } }),
    );
    return out.UnprocessedItems?.[table]?.flatMap((request) =>
      request.PutRequest?.Item ? [request.PutRequest.Item] : [],
    );
  });
}
