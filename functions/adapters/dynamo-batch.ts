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

/** BatchGetItem over any number of keys, a few requests at once, retrying unprocessed keys with backoff. */
export async function batchGet(
  client: DynamoDBDocumentClient,
  table: string,
  keys: Record<string, unknown>[],
): Promise<Record<string, unknown>[]> {
  const found: Record<string, unknown>[] = [];
  const batches: Record<string, unknown>[][] = [];
  for (let start = 0; start < keys.length; start += BATCH_GET_MAX)
    batches.push(keys.slice(start, start + BATCH_GET_MAX));
  let next = 0;
  const getter = async () => {
    while (next < batches.length) {
      let pending: Record<string, unknown>[] | undefined = batches[next++];
      for (let round = 0; pending && pending.length > 0; round++) {
        if (round >= MAX_ROUNDS)
          throw new Error(`BatchGetItem on ${table} left keys unprocessed after ${round} rounds`);
        if (round > 0) await pause(25 * 2 ** round);
        const keys = pending;
        const out: BatchGetCommandOutput = await retryThrottled(() =>
          client.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: keys } } })),
        );
        found.push(...(out.Responses?.[table] ?? []));
        pending = out.UnprocessedKeys?.[table]?.Keys;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_GETS, batches.length) }, getter));
  return found;
}

const BATCH_WRITE_MAX = 25;

/** Unconditional puts of any number of items, 25 to a BatchWriteItem, a few requests at once. */
export async function batchPut(
  client: DynamoDBDocumentClient,
  table: string,
  items: Record<string, unknown>[],
): Promise<void> {
  const batches: Record<string, unknown>[][] = [];
  for (let start = 0; start < items.length; start += BATCH_WRITE_MAX)
    batches.push(items.slice(start, start + BATCH_WRITE_MAX));
  let next = 0;
  const writer = async () => {
    while (next < batches.length) {
      let pending = batches[next++]?.map((Item) => ({ PutRequest: { Item } }));
      for (let round = 0; pending && pending.length > 0; round++) {
        if (round >= MAX_ROUNDS)
          throw new Error(`BatchWriteItem on ${table} left items unprocessed after ${round} rounds`);
        if (round > 0) await pause(25 * 2 ** round);
        const requests = pending;
        const out: BatchWriteCommandOutput = await retryThrottled(() =>
          client.send(new BatchWriteCommand({ RequestItems: { [table]: requests } })),
        );
        pending = out.UnprocessedItems?.[table] as typeof pending;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_GETS, batches.length) }, writer));
}
