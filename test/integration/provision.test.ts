import { DescribeTableCommand, DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { tables } from '../../functions/resources.js';
import { createTableInput } from '../../local/provision.js';
import { readState, runtimeDynamo } from '../helpers/runtime-state.js';

describe('Local provisioning', () => {
  it('created every table with the keys, indexes and TTL of its definition', async () => {
    const { env } = readState();
    const dynamo = runtimeDynamo();

    for (const def of Object.values(tables)) {
      const expected = createTableInput(def);
      const name = env[def.env];
      const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: name }));
      const ttl = await dynamo.send(new DescribeTimeToLiveCommand({ TableName: name }));

      expect(Table?.KeySchema).toEqual(expected.KeySchema);
      expect(Table?.GlobalSecondaryIndexes?.map((i) => [i.IndexName, i.KeySchema])).toEqual(
        expected.GlobalSecondaryIndexes?.map((i) => [i.IndexName, i.KeySchema]),
      );
      expect(ttl.TimeToLiveDescription?.AttributeName).toBe(
        'ttlAttribute' in def ? def.ttlAttribute : undefined,
      );
    }
  });
});
