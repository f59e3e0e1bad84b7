import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Tests only (INTAKE_SDK_CALL_LOG): an AWS SDK middleware that records, for every call a client
 * makes, the IAM actions it needs and the resource ARNs they apply to, one JSON line per distinct
 * (function, action, resource) in the file. test/iam checks each against the function's role in
 * the synthesized template. Presigned URLs go through the same middleware, and rightly count: the
 * request a browser later makes with one is authorized as the role that signed it.
 */

/** One IAM authorization a call needs: `dynamodb:PutItem` on a table ARN. */
export interface RecordedCall {
  /** AWS_LAMBDA_FUNCTION_NAME of the process (locally, the function's logical id in the template). */
  function: string;
  /** The SDK operation, e.g. `TransactWriteItems`. */
  operation: string;
  action: string;
  resource: string;
}

interface Authorization {
  action: string;
  resource: string;
}

type Input = Record<string, unknown>;

const ACCOUNT = '000000000000';
const region = () => process.env.AWS_REGION ?? 'us-east-1';

const tableArn = (table: unknown, index?: unknown) =>
  `arn:aws:dynamodb:${region()}:${ACCOUNT}:table/${String(table)}${index ? `/index/${String(index)}` : ''}`;
const bucketArn = (bucket: unknown) => `arn:aws:s3:::${String(bucket)}`;
const objectArn = (bucket: unknown, key: unknown) => `arn:aws:s3:::${String(bucket)}/${String(key)}`;
const queueArn = (url: unknown) => `arn:aws:sqs:${region()}:${ACCOUNT}:${String(url).split('/').pop()}`;
const busArn = (bus: unknown) =>
  `arn:aws:events:${region()}:${ACCOUNT}:event-bus/${String(bus ?? 'default').replace(/^arn:.*:event-bus\//, '')}`;

const TRANSACT_ACTIONS: Record<string, string> = {
  Put: 'PutItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  ConditionCheck: 'ConditionCheckItem',
  Get: 'GetItem',
};

function dynamodb(operation: string, input: Input): Authorization[] {
  if (operation === 'BatchGetItem' || operation === 'BatchWriteItem') {
    return Object.keys((input.RequestItems as Input) ?? {}).map((table) => ({
      action: `dynamodb:${operation}`,
      resource: tableArn(table),
    }));
  }
  if (operation === 'TransactWriteItems' || operation === 'TransactGetItems') {
    // IAM authorizes a transaction item by item, with the single-item actions.
    return ((input.TransactItems as Input[]) ?? []).flatMap((item) =>
      Object.entries(item).map(([kind, request]) => ({
        action: `dynamodb:${TRANSACT_ACTIONS[kind] ?? kind}`,
        resource: tableArn((request as Input).TableName),
      })),
    );
  }
  return [{ action: `dynamodb:${operation}`, resource: tableArn(input.TableName, input.IndexName) }];
}

/** The IAM action of each S3 operation whose action is not named like it. */
const S3_ACTIONS: Record<string, string> = {
  HeadObject: 'GetObject',
  CreateMultipartUpload: 'PutObject',
  UploadPart: 'PutObject',
  CompleteMultipartUpload: 'PutObject',
  ListParts: 'ListMultipartUploadParts',
  DeleteObjects: 'DeleteObject',
  HeadBucket: 'ListBucket',
  ListObjects: 'ListBucket',
  ListObjectsV2: 'ListBucket',
  ListMultipartUploads: 'ListBucketMultipartUploads',
};

function s3(operation: string, input: Input): Authorization[] {
  const action = `s3:${S3_ACTIONS[operation] ?? operation}`;
  if (operation === 'CopyObject') {
    const [sourceBucket, ...sourceKey] = String(input.CopySource).replace(/^\//, '').split('/');
    return [
      { action: 's3:GetObject', resource: objectArn(sourceBucket, decodeURIComponent(sourceKey.join('/'))) },
      { action: 's3:PutObject', resource: objectArn(input.Bucket, input.Key) },
    ];
  }
  if (operation === 'DeleteObjects') {
    const objects = ((input.Delete as Input)?.Objects as Input[]) ?? [];
    return objects.map((object) => ({ action, resource: objectArn(input.Bucket, object.Key) }));
  }
  return [
    {
      action,
      resource: input.Key === undefined ? bucketArn(input.Bucket) : objectArn(input.Bucket, input.Key),
    },
  ];
}

function sqs(operation: string, input: Input): Authorization[] {
  // A batch operation is authorized by its single-message action.
  const action = `sqs:${operation.replace(/Batch$/, '')}`;
  const queue = input.QueueUrl ?? input.QueueName;
  return [{ action, resource: queue === undefined ? '*' : queueArn(queue) }];
}

function events(operation: string, input: Input): Authorization[] {
  if (operation === 'PutEvents') {
    const buses = new Set(((input.Entries as Input[]) ?? []).map((entry) => busArn(entry.EventBusName)));
    return [...buses].map((resource) => ({ action: 'events:PutEvents', resource }));
  }
  return [{ action: `events:${operation}`, resource: input.EventBusName ? busArn(input.EventBusName) : '*' }];
}

const SERVICES: Record<string, (operation: string, input: Input) => Authorization[]> = {
  DynamoDBClient: dynamodb,
  S3Client: s3,
  SQSClient: sqs,
  EventBridgeClient: events,
};

/** The IAM authorizations an SDK call needs; a client with no mapping here needs `<service>:<op>` on `*`. */
export function authorizationsOf(clientName: string, operation: string, input: Input): Authorization[] {
  const service = SERVICES[clientName];
  if (service) return service(operation, input);
  return [{ action: `${clientName.replace(/Client$/, '').toLowerCase()}:${operation}`, resource: '*' }];
}

interface MiddlewareClient {
  middlewareStack: {
    add(
      middleware: (
        next: (args: { input: object }) => Promise<unknown>,
        context: { clientName?: string; commandName?: string },
      ) => (args: { input: object }) => Promise<unknown>,
      options: { step: 'initialize'; name: string },
    ): void;
  };
}

/** Installs the recorder on a client: each distinct authorization is appended to `file` once. */
export function recordSdkCalls(client: MiddlewareClient, file: string, functionName: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const seen = new Set<string>();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const operation = (context.commandName ?? 'Unknown').replace(/Command$/, '');
      for (const { action, resource } of authorizationsOf(
        context.clientName ?? 'UnknownClient',
        operation,
        args.input as Input,
      )) {
        const line = JSON.stringify({
          function: functionName,
          operation,
          action,
          resource,
        } satisfies RecordedCall);
        if (seen.has(line)) continue;
        seen.add(line);
        appendFileSync(file, `${line}\n`);
      }
      return next(args);
    },
    { step: 'initialize', name: 'intakeSdkCallRecorder' },
  );
}
