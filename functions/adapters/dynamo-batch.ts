import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';

const BATCH_GET_MAX = 100;
const MAX_ROUNDS = 8;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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
        const out: BatchGetCommandOutput = await client.send(
          new BatchGetCommand({ RequestItems: { [table]: { Keys: pending } } }),
        );
        found.push(...(out.Responses?.[table] ?? []));
        pending = out.UnprocessedKeys?.[table]?.Keys;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_GETS, batches.length) }, getter));
  return found;
}
