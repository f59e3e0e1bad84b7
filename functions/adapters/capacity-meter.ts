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

/** Asks DynamoDB for the capacity of every call the client makes and adds it to `consumed`. */
export function meterCapacity(client: DynamoDBClient): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      (args.input as Record<string, unknown>).ReturnConsumedCapacity = 'TOTAL';
      const out = await next(args);
      const reported = (out.output as { ConsumedCapacity?: Capacity | Capacity[] }).ConsumedCapacity;
      const units = [reported ?? []].flat().reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
      if (READS.has(context.commandName ?? '')) consumed.read += units;
      else consumed.write += units;
      return out;
    },
    { step: 'initialize', name: 'intakeCapacityMeter' },
  );
}
