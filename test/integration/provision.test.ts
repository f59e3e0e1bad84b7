import { DescribeTableCommand, DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { queues, tables } from '../../functions/resources.js';
import { createTableInput, provision } from '../../local/provision.js';
import { readState, runtimeDynamo, runtimeSqs } from '../helpers/runtime-state.js';

const runtimeS3 = (): S3Client => {
  const { env } = readState();
  return new S3Client({
    region: env.AWS_REGION,
    endpoint: env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    forcePathStyle: true,
  });
};

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

  it('provisions again over existing resources and leaves the queues with the latest attributes', async () => {
    // `npm test` then `npm start` on one endpoint: the same tables, bucket and queues, other visibility timeouts.
    const clients = { dynamo: runtimeDynamo(), s3: runtimeS3(), sqs: runtimeSqs() };
    const visibility = async (url: string) =>
      (
        await clients.sqs.send(
          new GetQueueAttributesCommand({
            QueueUrl: url,
            AttributeNames: ['VisibilityTimeout', 'RedrivePolicy'],
          }),
        )
      ).Attributes ?? {};
    const url = readState().env[queues.process.env] as string;
    const before = (await visibility(url)).VisibilityTimeout;

    try {
      const first = await provision(clients, { visibilityTimeoutSeconds: { process: 17 } });
      const second = await provision(clients, { visibilityTimeoutSeconds: { process: 23 } });
      const after = await visibility(second.queues.process.url);

      expect(second.env).toEqual(first.env);
      expect(second.env).toEqual(expect.objectContaining({ [queues.process.env]: url }));
      expect(after.VisibilityTimeout).toBe('23');
      expect(JSON.parse(after.RedrivePolicy ?? '{}')).toMatchObject({
        maxReceiveCount: queues.process.maxReceiveCount,
      });
    } finally {
      // The runtime under test keeps the visibility timeout it was started with.
      await provision(clients, { visibilityTimeoutSeconds: { process: Number(before) } });
    }
  });
});
