import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  ResourceInUseException,
  type TableDescription,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import {
  BucketAlreadyOwnedByYou,
  CreateBucketCommand,
  HeadBucketCommand,
  NotFound,
  PutBucketCorsCommand,
  PutBucketNotificationConfigurationCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  QueueDoesNotExist,
  SetQueueAttributesCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import {
  bucket,
  type QueueDefinition,
  queues,
  type TableDefinition,
  tables,
} from '../functions/resources.js';

/**
 * Creates Intake's tables, bucket and queues from functions/resources.ts, the definitions the CDK
 * stack uses. Idempotent: on an endpoint that already holds them (LocalStack, a second `npm start`,
 * `npm test` then `npm start`) it reuses what is there, sets the queues' attributes to this run's,
 * and refuses a table whose keys differ from its definition.
 */

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
            Projection: { ProjectionType: index.projection === 'keys' ? 'KEYS_ONLY' : 'ALL' },
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

/** A table's keys and its indexes' keys, as lines (`attribute:HASH,attribute:RANGE`), to compare definitions. */
function keyShape(table: Pick<TableDescription, 'KeySchema' | 'GlobalSecondaryIndexes'>): string[] {
  const keys = (schema: { AttributeName?: string; KeyType?: string }[] | undefined) =>
    (schema ?? []).map((k) => `${k.AttributeName}:${k.KeyType}`).join(',');
  return [
    `table ${keys(table.KeySchema)}`,
    ...(table.GlobalSecondaryIndexes ?? []).map((i) => `index ${i.IndexName} ${keys(i.KeySchema)}`).sort(),
  ];
}

async function ensureTable(dynamo: DynamoDBClient, def: TableDefinition): Promise<string> {
  const input = createTableInput(def);
  const name = input.TableName as string;
  try {
    await dynamo.send(new CreateTableCommand(input));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  await waitUntilTableExists({ client: dynamo, maxWaitTime: 60 }, { TableName: name });
  const { Table: existing } = await dynamo.send(new DescribeTableCommand({ TableName: name }));
  // Keys cannot change on an existing table: one left by another version of Intake is reported, not reused.
  const want = keyShape(input as Pick<TableDescription, 'KeySchema' | 'GlobalSecondaryIndexes'>);
  const have = keyShape(existing ?? {});
  if (want.join('\n') !== have.join('\n')) {
    throw new Error(
      `Table ${name} already exists with other keys (${have.join('; ')}; expected ${want.join('; ')}): delete it or use another endpoint`,
    );
  }
  if (def.ttlAttribute !== undefined) {
    const ttl = await dynamo.send(new DescribeTimeToLiveCommand({ TableName: name }));
    const status = ttl.TimeToLiveDescription?.TimeToLiveStatus;
    const enabled =
      (status === 'ENABLED' || status === 'ENABLING') &&
      ttl.TimeToLiveDescription?.AttributeName === def.ttlAttribute;
    if (!enabled) {
      await dynamo.send(
        new UpdateTimeToLiveCommand({
          TableName: name,
          TimeToLiveSpecification: { AttributeName: def.ttlAttribute, Enabled: true },
        }),
      );
    }
  }
  return name;
}

/** The bucket, created unless it is there; one that exists but is not ours (403) is an error. */
async function ensureBucket(s3: S3Client, name: string): Promise<void> {
  try {
    await s3.send(new HeadBucketCommand({ Bucket: name }));
    return;
  } catch (error) {
    // A 404 to HEAD has no body: the SDK names the error NotFound, as an instance of that class or not.
    if (!(error instanceof NotFound || (error as { name?: string }).name === 'NotFound')) throw error;
  }
  await s3.send(new CreateBucketCommand({ Bucket: name })).catch((error: unknown) => {
    // Created meanwhile by another runtime on the same endpoint.
    if (!(error instanceof BucketAlreadyOwnedByYou)) throw error;
  });
}

/**
 * The queue's URL, with `attributes` set. SQS refuses CreateQueue for an existing name with other
 * attributes (QueueNameExists), so an existing queue is found and updated instead.
 */
async function ensureQueueWith(sqs: SQSClient, name: string, attributes: Record<string, string>) {
  const find = async (): Promise<string | undefined> => {
    try {
      return (await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl;
    } catch (error) {
      if (error instanceof QueueDoesNotExist) return undefined;
      throw error;
    }
  };
  let url = await find();
  if (url === undefined) {
    try {
      const created = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
      if (created.QueueUrl) return created.QueueUrl;
    } catch (error) {
      // Created meanwhile by another runtime on the same endpoint (QueueNameExists): update it below.
      url = await find();
      if (url === undefined) throw error;
    }
  }
  if (url === undefined) throw new Error(`Could not create ${name}`);
  await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: attributes }));
  return url;
}

async function queueArn(sqs: SQSClient, url: string): Promise<string> {
  const out = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
  const arn = out.Attributes?.QueueArn;
  if (!arn) throw new Error(`${url} has no QueueArn`);
  return arn;
}

async function ensureQueue(sqs: SQSClient, def: QueueDefinition, visibilityOverride: number | undefined) {
  const deadLetterUrl = await ensureQueueWith(
    sqs,
    localNames.deadLetterQueue(def),
    deadLetterAttributes(def),
  );
  const attributes = queueAttributes(def, await queueArn(sqs, deadLetterUrl));
  if (visibilityOverride !== undefined) attributes.VisibilityTimeout = String(visibilityOverride);
  const url = await ensureQueueWith(sqs, localNames.queue(def), attributes);
  return { url, arn: await queueArn(sqs, url), deadLetterUrl };
}

export interface Provisioned {
  env: Record<string, string>;
  /** Whether S3 sends the bucket's upload events to the analyze queue (configured, and accepted). */
  uploadEvents: boolean;
  queues: Record<
    keyof typeof queues,
    { url: string; arn: string; deadLetterUrl: string; visibilityTimeoutSeconds: number }
  >;
}

export async function provision(
  clients: { dynamo: DynamoDBClient; s3: S3Client; sqs: SQSClient },
  options: {
    visibilityTimeoutSeconds?: Partial<Record<keyof typeof queues, number>>;
    /** Configure the bucket's event notifications (on an endpoint that delivers them). */
    notifications?: boolean;
  } = {},
): Promise<Provisioned> {
  const env: Record<string, string> = {};
  for (const def of Object.values(tables)) env[def.env] = await ensureTable(clients.dynamo, def);

  await ensureBucket(clients.s3, localNames.bucket);
  await clients.s3.send(
    new PutBucketCorsCommand({
      Bucket: localNames.bucket,
      CORSConfiguration: {
        CORSRules: [{ AllowedMethods: ['PUT', 'GET'], AllowedOrigins: ['*'], AllowedHeaders: ['*'] }],
      },
    }),
  );
  env[bucket.env] = localNames.bucket;

  const made = {} as Provisioned['queues'];
  for (const [name, def] of Object.entries(queues) as [keyof typeof queues, QueueDefinition][]) {
    const override = options.visibilityTimeoutSeconds?.[name];
    const queue = await ensureQueue(clients.sqs, def, override);
    env[def.env] = queue.url;
    made[name] = { ...queue, visibilityTimeoutSeconds: override ?? def.visibilityTimeoutSeconds };
  }
  const uploadEvents = options.notifications === true && (await configureNotifications(clients.s3, made));
  return { env, queues: made, uploadEvents };
}

/**
 * The bucket's event notifications (functions/resources.ts), as the stack configures them: S3
 * sends an event to the analyze queue for a CSV under `uploads/`, which starts its analysis. Only
 * on an endpoint that delivers them (LocalStack, moto_server); fauxqs does not, and there the
 * `analyze` action starts the analysis. Replaces the bucket's notification configuration. False
 * when the endpoint refuses it (then the `analyze` action still starts analyses).
 */
async function configureNotifications(s3: S3Client, made: Provisioned['queues']): Promise<boolean> {
  const configured = s3.send(
    new PutBucketNotificationConfigurationCommand({
      Bucket: localNames.bucket,
      NotificationConfiguration: {
        QueueConfigurations: bucket.notifications.map((notification, i) => ({
          Id: `intake-${notification.queue}-${i}`,
          QueueArn: made[notification.queue].arn,
          Events: [...notification.events],
          Filter: {
            Key: {
              FilterRules: [
                { Name: 'prefix', Value: notification.prefix },
                { Name: 'suffix', Value: notification.suffix },
              ],
            },
          },
        })),
      },
    }),
  );
  return configured.then(
    () => true,
    () => false,
  );
}
