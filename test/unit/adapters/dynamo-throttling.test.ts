import {
  DynamoDBClient,
  ProvisionedThroughputExceededException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  PutCommand,
  type PutCommandInput,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoPeopleStore } from '../../../functions/adapters/dynamo-people.store.js';
import type { RowCommit } from '../../../functions/core/ports.js';
import type { Person } from '../../../functions/core/types.js';

/**
 * Throttling DynamoDB Local never answers: a key over its throughput fails the request
 * (ProvisionedThroughputExceededException, ThrottlingException) or cancels a transaction with a
 * ThrottlingError reason. Nothing is written then; the store sends the same rows again after a
 * backoff, so each row is written once, and a row refused for its own reason keeps that reason.
 */

const NOW = '2024-05-01T12:00:00.000Z';
const throttled = () =>
  new ProvisionedThroughputExceededException({ message: 'Throughput exceeded', $metadata: {} });
const throttling = () => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
const cancelled = (codes: string[]) =>
  new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });

const person = (n: number): Person => ({
  id: `per_${n}`,
  workspace: 'w1',
  identifiers: [{ kind: 'email', value: `p${n}@x.io` }],
  profile: {},
  attributes: {},
  contacts: [],
  version: 1,
  created_at: NOW,
  updated_in_db_at: NOW,
});

/** Row n: a create (a transaction of result, person, identity) for even n, an unchanged row (a put) for odd. */
const row = (n: number): RowCommit => ({
  tenantId: 't1',
  importId: 'imp_1',
  slot: 'row',
  result: {
    row: n,
    outcome: n % 2 ? 'unchanged' : 'created',
    person_id: `per_${n}`,
    errors: [],
    action_id: 'a1',
  },
  effect: n % 2 ? { puts: [], deletes: [] } : { puts: [{ person: person(n), previous: null }], deletes: [] },
  now: NOW,
});

describe('DynamoPeopleStore under throttling', () => {
  const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
  const dynamo = mockClient(documents);
  const store = new DynamoPeopleStore(documents, 'people', 'jobs');
  /** The rows whose result a successful request wrote, in the order written. */
  let written: number[];

  beforeEach(() => {
    dynamo.reset();
    written = [];
  });

  const rowsOf = (items: NonNullable<TransactWriteCommandInput['TransactItems']>) =>
    items.flatMap((item) => (item.Put?.TableName === 'jobs' ? [item.Put.Item?.row as number] : []));

  it('writes every row exactly once through throttled requests and throttled transactions', async () => {
    let transactions = 0;
    dynamo.on(TransactWriteCommand).callsFake((input: TransactWriteCommandInput) => {
      transactions += 1;
      const items = input.TransactItems ?? [];
      if (transactions === 1) throw throttled();
      if (transactions === 2) throw cancelled(items.map(() => 'ThrottlingError'));
      if (transactions === 3) throw throttling();
      written.push(...rowsOf(items));
      return {};
    });
    let puts = 0;
    dynamo.on(PutCommand).callsFake((input: PutCommandInput) => {
      puts += 1;
      if (puts % 3 === 1) throw throttled();
      written.push(input.Item?.row as number);
      return {};
    });
    const rows = Array.from({ length: 40 }, (_, i) => row(i + 1));

    const outcomes = await store.commitMany(rows);

    expect(outcomes).toEqual(rows.map(() => 'committed'));
    expect([...written].sort((a, b) => a - b)).toEqual(rows.map((r) => r.result.row));
  });

  it('keeps a row’s own refusal when its transaction is also throttled for another row', async () => {
    let transactions = 0;
    dynamo.on(TransactWriteCommand).callsFake((input: TransactWriteCommandInput) => {
      transactions += 1;
      const items = input.TransactItems ?? [];
      // First: row 2's result exists already (an earlier delivery), the rest is throttled.
      if (transactions === 1)
        throw cancelled(items.map((_, i) => (i === 0 ? 'ConditionalCheckFailed' : 'ThrottlingError')));
      written.push(...rowsOf(items));
      return {};
    });

    const outcomes = await store.commitMany([row(2), row(4), row(6)]);

    expect(outcomes).toEqual(['already_recorded', 'committed', 'committed']);
    expect(written).toEqual([4, 6]);
  });

  it('gives up after its attempts when throttling does not stop, writing nothing', async () => {
    dynamo.on(TransactWriteCommand).rejects(throttled());

    await expect(store.commitMany([row(2)])).rejects.toThrow('Throughput exceeded');
    expect(dynamo.commandCalls(TransactWriteCommand).length).toBe(8);
  });

  it('looks identifiers up again when a lookup is throttled', async () => {
    let gets = 0;
    dynamo.on(BatchGetCommand).callsFake(() => {
      gets += 1;
      if (gets === 1) throw throttling();
      return { Responses: { people: [{ identity_key: 'email:p1@x.io', person_id: 'per_1' }] } };
    });

    expect(await store.owners('t1', 'w1', ['email:p1@x.io'])).toEqual(new Map([['email:p1@x.io', 'per_1']]));
  });
});
