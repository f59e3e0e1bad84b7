import { readFileSync } from 'node:fs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';

/** The endpoints, names and URL the integration tests' runtime wrote (global setup sets the path). */
export interface RuntimeState {
  url: string;
  pid: number;
  /** Whether the endpoint sends S3 upload events to the analyze queue (local/provision.ts). */
  uploadEvents: boolean;
  env: Record<string, string>;
}

export const stateFile = (): string => {
  const file = process.env.INTAKE_STATE_FILE;
  if (!file)
    throw new Error('INTAKE_STATE_FILE is not set: run the integration tests through jest (global setup)');
  return file;
};

export const readState = (): RuntimeState => JSON.parse(readFileSync(stateFile(), 'utf8')) as RuntimeState;

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

/** An SQS client on the runtime's emulator. */
export const runtimeSqs = (): SQSClient => {
  const { env } = readState();
  return new SQSClient({
    region: env.AWS_REGION,
    endpoint: env.AWS_ENDPOINT_URL_SQS ?? env.AWS_ENDPOINT_URL,
    credentials,
    useQueueUrlAsEndpoint: false,
  });
};

/** A DynamoDB client on the runtime's emulator. */
export const runtimeDynamo = (): DynamoDBClient => {
  const { env } = readState();
  return new DynamoDBClient({
    region: env.AWS_REGION,
    endpoint: env.AWS_ENDPOINT_URL_DYNAMODB ?? env.AWS_ENDPOINT_URL,
    credentials,
  });
};
