import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoFieldStore } from '../../../functions/adapters/dynamo-field.store.js';
import { FieldExistsError } from '../../../functions/core/errors.js';

/**
 * Faults DynamoDB Local does not produce (it runs transactions one at a time): a transaction
 * cancelled because another one was writing the same item, or for throttling. The races themselves are tested
 * against the emulator in test/integration/fields.test.ts.
 */

const cancelled = (...codes: string[]) =>
  new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });

describe('DynamoFieldStore.create', () => {
  const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
  const dynamo = mockClient(documents);
  const store = new DynamoFieldStore(documents, 'intake-jobs', { now: () => '2024-01-01T00:00:00.000Z' });

  beforeEach(() => {
    dynamo.reset();
    dynamo.on(UpdateCommand).resolves({ Attributes: { last_id: 7 } });
  });

  it('tries the transaction again, with the same id, when another transaction conflicted with it', async () => {
    dynamo.on(TransactWriteCommand).rejectsOnce(cancelled('TransactionConflict', 'None')).resolves({});

    const field = await store.create('t1', 'w', { key: 'age', type: 'number' });

    expect(field).toMatchObject({ id: 7, key: 'age', label: 'age', type: 'number' });
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(2);
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(1);
  });

  it.each([
    ['ThrottlingError'],
    ['ProvisionedThroughputExceeded'],
  ])('tries the transaction again when it was cancelled with %s', async (code) => {
    dynamo.on(TransactWriteCommand).rejectsOnce(cancelled('None', code)).resolves({});

    await store.create('t1', 'w', { key: 'age', type: 'number' });

    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(2);
  });

  it('gives up after six conflicted attempts and passes the error on', async () => {
    dynamo.on(TransactWriteCommand).rejects(cancelled('TransactionConflict', 'None'));

    await expect(store.create('t1', 'w', { key: 'age', type: 'number' })).rejects.toBeInstanceOf(
      TransactionCanceledException,
    );
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(6);
  });

  it('reports an existing key as FieldExistsError, without trying again', async () => {
    dynamo.on(TransactWriteCommand).rejects(cancelled('ConditionalCheckFailed', 'None'));

    await expect(store.create('t1', 'w', { key: 'age', type: 'number' })).rejects.toBeInstanceOf(
      FieldExistsError,
    );
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });
});
