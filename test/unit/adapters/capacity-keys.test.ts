import {
  batchGetMissCharges,
  chargesOfReported,
  touches,
  transactionCharges,
} from '../../../functions/adapters/capacity-keys.js';

describe('The capacity meter’s attribution to keys', () => {
  it('charges a put’s table units to its partition key and its index units to its index entry', () => {
    const list = touches('PutItemCommand', {
      TableName: 'People',
      Item: { pk: 'T#t#PERSON#p1', sk: 'PERSON', gsi1pk: 'T#t#WS#w#S#3', gsi1sk: 'PERSON#p1' },
    });

    expect(
      chargesOfReported(list, [
        {
          TableName: 'People',
          CapacityUnits: 2,
          Table: { CapacityUnits: 1 },
          GlobalSecondaryIndexes: { gsi1: { CapacityUnits: 1 } },
        },
      ]),
    ).toEqual([
      { target: 'People', key: 'T#t#PERSON#p1', units: 1 },
      { target: 'People/gsi1', key: 'T#t#WS#w#S#3', units: 1 },
    ]);
  });

  it('shares a BatchGetItem’s units among its keys, marshalled or plain', () => {
    const list = touches('BatchGetItemCommand', {
      RequestItems: {
        People: {
          Keys: [
            { pk: { S: 'a' }, sk: { S: 'X' } },
            { pk: 'b', sk: 'X' },
          ],
        },
      },
    });

    expect(
      chargesOfReported(list, [{ TableName: 'People', CapacityUnits: 1, Table: { CapacityUnits: 1 } }]),
    ).toEqual([
      { target: 'People', key: 'a', units: 0.5 },
      { target: 'People', key: 'b', units: 0.5 },
    ]);
  });

  it('charges a query on an index to the partition key its key condition names', () => {
    const list = touches('QueryCommand', {
      TableName: 'People',
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :ws AND begins_with(gsi1sk, :p)',
      ExpressionAttributeValues: { ':ws': 'T#t#WS#w#S#0', ':p': 'PERSON#' },
    });

    expect(
      chargesOfReported(list, [
        { TableName: 'People', CapacityUnits: 3, GlobalSecondaryIndexes: { gsi1: { CapacityUnits: 3 } } },
      ]),
    ).toEqual([{ target: 'People/gsi1', key: 'T#t#WS#w#S#0', units: 3 }]);
  });

  it('charges an update the index entry its item was last put with', () => {
    touches('PutItemCommand', { TableName: 'Jobs', Item: { pk: 'imp', sk: 'IMPORT', gsi1pk: 'ws-imports' } });

    expect(transactionCharges([{ Update: { TableName: 'Jobs', Key: { pk: 'imp', sk: 'IMPORT' } } }])).toEqual(
      [
        { target: 'Jobs', key: 'imp', units: 2 },
        { target: 'Jobs/gsi1', key: 'ws-imports', units: 2 },
      ],
    );
  });

  it('charges each item of a transaction twice its KB, and its index entry as much', () => {
    const charges = transactionCharges([
      { Put: { TableName: 'Jobs', Item: { pk: 'r', sk: 'ROW#1' } } },
      { Put: { TableName: 'People', Item: { pk: 'p', sk: 'PERSON', gsi1pk: 'w', big: 'x'.repeat(1500) } } },
      { ConditionCheck: { TableName: 'People', Key: { pk: 'c', sk: 'PERSON' } } },
    ]);

    expect(charges).toEqual([
      { target: 'Jobs', key: 'r', units: 2 },
      { target: 'People', key: 'p', units: 4 },
      { target: 'People/gsi1', key: 'w', units: 4 },
      { target: 'People', key: 'c', units: 2 },
    ]);
  });

  it('charges a BatchGetItem’s misses as AWS does (0.5 each, 1 consistent), not its hits or unprocessed keys', () => {
    const key = (pk: string) => ({ pk: { S: pk }, sk: { S: 'X' } });
    const charges = batchGetMissCharges(
      {
        RequestItems: {
          People: { Keys: [key('found'), key('missing'), key('later')] },
          Jobs: { Keys: [key('gone')], ConsistentRead: true },
        },
      },
      {
        Responses: { People: [{ ...key('found'), id: { S: 'p' } }] },
        UnprocessedKeys: { People: { Keys: [key('later')] } },
      },
    );

    expect(charges).toEqual([
      { target: 'People', key: 'missing', units: 0.5 },
      { target: 'Jobs', key: 'gone', units: 1 },
    ]);
  });
});
