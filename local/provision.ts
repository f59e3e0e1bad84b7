import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import {
  BucketAlreadyExists,
  BucketAlreadyOwnedByYou,
  CreateBucketCommand,
  PutBucketCorsCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import {
  bucket,
  type QueueDefinition,
  queues,
  type TableDefinition,
  tables,
} from '../functions/resources.js';

/** Creates Intake's tables, bucket and queues from functions/resources.ts, the definitions the CDK stack uses. */

/** Names the local runtime gives the resources (CloudFormation generates them in AWS). */
export const localNames = {
  table: (def: TableDefinition) => `intake-${def.id.toLowerCase()}`,
  queue: (def: QueueDefinition) => `intake-${def.id.toLowerCase()}`,
  deadLetterQueue: (def: QueueDefinition) => `intake-${def.id.toLowerCase()}-dlq`,
  bucket: 'intake-files',
} as const;

export function createTableInput(def: TableDefinition): CreateTableCommandInput {
  const attributes = new Set([
    def.partitionKey,
    def.sortKey,
    ...def.indexes.flatMap((i) => [i.partitionKey, i.sortKey]),
  ]);
  return {
    TableName: localNames.table(def),
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...attributes].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
    KeySchema: [
      { AttributeName: def.partitionKey, KeyType: 'HASH' },
      { AttributeName: def.sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes:
      def.indexes.length === 0
        ? undefined
        : def.indexes.map((index) => ({
            IndexName: index.name,
            KeySchema: [
              { AttributeName: index.partitionKey, KeyType: 'HASH' },
              { AttributeName: index.sortKey, KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          })),
  };
}

export function queueAttributes(def: QueueDefinition, deadLetterArn: string): Record<string, string> {
  return {
    VisibilityTimeout: String(def.visibilityTimeoutSeconds),
    RedrivePolicy: JSON.stringify({
      deadLetterTargetArn: deadLetterArn,
      maxReceiveCount: def.maxReceiveCount,
    }),
  };
}

export function deadLetterAttributes(def: QueueDefinition): Record<string, string> {
  return {
    MessageRetentionPeriod: String(def.deadLetterRetentionDays * 24 * 3600),
    VisibilityTimeout: String(def.visibilityTimeoutSeconds),
  };
}

async function ensureTable(dynamo: DynamoDBClient, def: TableDefinition): Promise<string> {
  const input = createTableInput(def);
  try {
    await dynamo.send(new CreateTableCommand(input));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  await waitUntilTableExists({ client: dynamo, maxWaitTime: 60 }, { TableName: input.TableName });
  if (def.ttlAttribute !== undefined) {
    const described = await dynamo.send(new DescribeTableCommand({ TableName: input.TableName }));
    if (described.Table?.TableStatus === 'ACTIVE') {
      await dynamo
        .send(
          new UpdateTimeToLiveCommand({
            TableName: input.TableName,
            TimeToLiveSpecification: { AttributeName: def.ttlAttribute, Enabled: true },
          }),
        )
        .catch((error: Error) => {
          // Already enabled on a reused endpoint (LocalStack): nothing to do.
          if (!/already enabled/i.test(error.message)) throw error;
        });
    }
  }
  return input.TableName as string;
}

async function ensureQueue(sqs: SQSClient, def: QueueDefinition, visibilityOverride: number | undefined) {
  const dlq = await sqs.send(
    new CreateQueueCommand({
      QueueName: localNames.deadLetterQueue(def),
      Attributes: deadLetterAttributes(def),
    }),
  );
  const dlqArn = (
    await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }))
  ).Attributes?.QueueArn;
  if (!dlq.QueueUrl || !dlqArn) throw new Error(`Could not create ${localNames.deadLetterQueue(def)}`);
  const attributes = queueAttributes(def, dlqArn);
  if (visibilityOverride !== undefined) attributes.VisibilityTimeout = String(visibilityOverride);
  const queue = await sqs.send(
    new CreateQueueCommand({ QueueName: localNames.queue(def), Attributes: attributes }),
  );
  if (!queue.QueueUrl) throw new Error(`Could not create ${localNames.queue(def)}`);
  const arn = (
    await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queue.QueueUrl, AttributeNames: ['QueueArn'] }))
  ).Attributes?.QueueArn;
  return { url: queue.QueueUrl, arn: arn ?? '', deadLetterUrl: dlq.QueueUrl };
}

export interface Provisioned {
  env: Record<string, string>;
  queues: Record<
    keyof typeof queues,
    { url: string; arn: string; deadLetterUrl: string; visibilityTimeoutSeconds: number }
  >;
}

export async function provision(
  clients: { dynamo: DynamoDBClient; s3: S3Client; sqs: SQSClient },
  options: { visibilityTimeoutSeconds?: Partial<Record<keyof typeof queues, number>> } = {},
): Promise<Provisioned> {
  const env: Record<string, string> = {};
  for (const def of Object.values(tables)) env[def.env] = await ensureTable(clients.dynamo, def);

  await clients.s3.send(new CreateBucketCommand({ Bucket: localNames.bucket })).catch((error: unknown) => {
    if (!(error instanceof BucketAlreadyOwnedByYou || error instanceof BucketAlreadyExists)) throw error;
  });
  await clients.s3.send(
    new PutBucketCorsCommand({
      Bucket: localNames.bucket,
      CORSConfiguration: {
        CORSRules: [{ AllowedMethods: ['PUT', 'GET'], AllowedOrigins: ['*'], AllowedHeaders: ['*'] }],
      },
    }),
  );
  env[bucket.env] = localNames.bucket;
  // bucket.notifications are not set up: the emulators send no S3 event notifications, so locally
  // the `analyze` action starts a CSV's analysis (test/integration/upload-event.test.ts sends the event).

  const made = {} as Provisioned['queues'];
  for (const [name, def] of Object.entries(queues) as [keyof typeof queues, QueueDefinition][]) {
    const override = options.visibilityTimeoutSeconds?.[name];
    const queue = await ensureQueue(clients.sqs, def, override);
    env[def.env] = queue.url;
    made[name] = { ...queue, visibilityTimeoutSeconds: override ?? def.visibilityTimeoutSeconds };
  }
  return { env, queues: made };
}
