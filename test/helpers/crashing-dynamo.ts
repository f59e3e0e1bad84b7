import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createAwsClients } from '../../functions/adapters/aws-clients.js';
import { createStores } from '../../functions/adapters/stores.js';
import { loadConfig } from '../../functions/config.js';
import { directStores } from './direct-deps.js';

/** DynamoDB requests that write. */
const WRITES = new Set([
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'BatchWriteItemCommand',
  'TransactWriteItemsCommand',
]);

/**
 * Where a crash falls: `before` the k+1-th write is sent (it never reaches DynamoDB), or `after`
 * it was applied (its answer is lost, as when a worker dies or times out waiting for it).
 */
export type CrashPoint = { writes: number; when: 'before' | 'after' };

/** Counts DynamoDB write requests through a client, and throws once the crash point is reached. */
function crashAt(client: DynamoDBDocumentClient, point: CrashPoint | null, counted: { writes: number }) {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (!WRITES.has(context.commandName ?? '')) return next(args);
      const k = counted.writes++;
      if (point && k === point.writes && point.when === 'before')
        throw new Error(`injected crash before write ${k + 1}`);
      const out = await next(args);
      if (point && k === point.writes && point.when === 'after')
        throw new Error(`injected crash after write ${k + 1}`);
      if (point && k > point.writes) throw new Error(`injected crash: worker already dead at write ${k + 1}`);
      return out;
    },
    { step: 'initialize', name: 'intakeTestCrash' },
  );
}

/**
 * The worker's stores on fresh clients whose DynamoDB requests crash at a given write (or none:
 * `null` counts the writes of a clean run). Every write after the crash point fails too: a dead
 * worker writes nothing more.
 */
export function storesCrashingAt(point: CrashPoint | null): {
  stores: ReturnType<typeof createStores>;
  counted: { writes: number };
} {
  directStores(); // loads the runtime's environment
  const config = loadConfig();
  const clients = createAwsClients(config);
  const counted = { writes: 0 };
  crashAt(clients.dynamo, point, counted);
  return { stores: createStores(config, clients), counted };
}
