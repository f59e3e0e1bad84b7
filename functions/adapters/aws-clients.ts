import type { Tracer } from '@aws-lambda-powertools/tracer';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Config } from '../config.js';
import { meterCapacity } from './capacity-meter.js';
import { recordSdkCalls } from './sdk-call-recorder.js';

/**
 * SDK clients, created once per container. Endpoints come from the SDK's standard variables
 * (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_DYNAMODB, ...), so the same code talks to AWS or an emulator.
 */
export interface AwsClients {
  dynamo: DynamoDBDocumentClient;
  s3: S3Client;
  sqs: SQSClient;
  events: EventBridgeClient;
}

export function createAwsClients(config: Config, tracer?: Tracer): AwsClients {
  const dynamo = new DynamoDBClient({});
  if (config.measureCapacity) meterCapacity(dynamo);
  const s3 = new S3Client({ forcePathStyle: config.s3ForcePathStyle });
  // Send to the configured endpoint, not the host inside a queue URL (emulators name hosts that do not resolve).
  const sqs = new SQSClient({ useQueueUrlAsEndpoint: false });
  const events = new EventBridgeClient({});
  // In Lambda with active tracing, each call is a subsegment of the invocation's trace.
  if (tracer) for (const client of [dynamo, s3, sqs, events]) tracer.captureAWSv3Client(client);
  // Tests: every client of the function records its calls (test/iam proves its role allows them).
  const { sdkCallLog } = config;
  if (sdkCallLog) {
    for (const client of [dynamo, s3, sqs, events])
      recordSdkCalls(client, sdkCallLog.file, sdkCallLog.functionName);
  }
  return {
    dynamo: DynamoDBDocumentClient.from(dynamo, {
      marshallOptions: { removeUndefinedValues: true },
    }),
    s3,
    sqs,
    events,
  };
}
