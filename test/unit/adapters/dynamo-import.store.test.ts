import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoImportStore } from '../../../functions/adapters/dynamo-import.store.js';
import { emptyCounters } from '../../../functions/core/types.js';

/**
 * What the import store makes of DynamoDB's answers that DynamoDB Local never gives: a chunk's
 * count cancelled for throttling or a conflict, and a status move sent again after a lost answer.
 * test/integration/throttling.test.ts runs the same faults through whole imports.
 */

const NOW = '2024-05-01T12:00:00.000Z';
const message = { tenant_id: 't1', import_id: 'imp_1', action_id: 'act_1', chunk: 0 };
const cancelled = (codes: string[]) =>
  new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });

describe('DynamoImportStore', () => {
  const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
  const dynamo = mockClient(documents);
  const store = new DynamoImportStore(documents, 'jobs');

  beforeEach(() => {
    dynamo.reset();
    dynamo.on(GetCommand).resolves({ Item: { id: 'imp_1', status: 'processing' } });
  });

  it.each([
    ['ThrottlingError'],
    ['TransactionConflict'],
    ['ProvisionedThroughputExceeded'],
  ])('counts a chunk again when its count is cancelled with %s (nothing was written)', async (code) => {
    dynamo
      .on(TransactWriteCommand)
      .rejectsOnce(cancelled(['None', code]))
      .resolves({});

    await store.completeChunk(message, emptyCounters(), emptyCounters(), NOW);

    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(2);
  });

  it('takes a count its condition refused as counted by an earlier delivery', async () => {
    dynamo.on(TransactWriteCommand).rejects(cancelled(['ConditionalCheckFailed', 'None']));

    await expect(store.completeChunk(message, emptyCounters(), emptyCounters(), NOW)).resolves.toMatchObject({
      import: { id: 'imp_1' },
    });
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });

  it('fails the delivery when the count is cancelled for another reason', async () => {
    dynamo.on(TransactWriteCommand).rejects(cancelled(['ValidationError', 'None']));

    await expect(store.completeChunk(message, emptyCounters(), emptyCounters(), NOW)).rejects.toThrow(
      'Transaction cancelled',
    );
  });

  it('recognizes a status move it applied already: the same status at the same time', async () => {
    dynamo.on(UpdateCommand).resolves({});

    await store.update('t1', 'imp_1', ['processing'], { status: 'finalizing' }, NOW);

    const input = dynamo.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(input?.ConditionExpression).toBe(
      '#status IN (:from0) OR (#status = :status AND #updated_at = :updated_at)',
    );
    expect(input?.ExpressionAttributeValues).toMatchObject({ ':status': 'finalizing', ':updated_at': NOW });
  });
});
