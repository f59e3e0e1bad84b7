import { DEFAULT_RETRY_SCHEDULE, parseRetrySchedule } from './core/webhook-retry.js';
import { bucket, eventBus, queues, tables } from './resources.js';

/** Every environment variable the functions read, checked once at cold start. */
export interface Config {
  jobsTable: string;
  peopleTable: string;
  bucket: string;
  processQueueUrl: string;
  analyzeQueueUrl: string;
  /** Path-style S3 addressing, needed by emulators behind a custom endpoint. */
  s3ForcePathStyle: boolean;
  /** Benchmarks: sum the DynamoDB capacity every call consumes. */
  measureCapacity: boolean;
  webhookQueueUrl: string;
  /** Where events go: the stack's EventBridge bus, or (local runtime) a file plus the webhook queue. */
  events: { bus: string } | { file: string };
  /** Local runtime only: webhooks may use http:// and loopback addresses (INTAKE_WEBHOOKS_ALLOW_LOOPBACK=1). */
  webhooksAllowLoopback: boolean;
  /** Seconds before each webhook retry (INTAKE_WEBHOOK_RETRY_SCHEDULE, e.g. `1,1` in tests). */
  webhookRetrySchedule: readonly number[];
  /** Tests (test/iam): the file to record every AWS SDK call in, and the function they are made by. */
  sdkCallLog?: { file: string; functionName: string };
}

function eventsOf(env: NodeJS.ProcessEnv): Config['events'] {
  const bus = env[eventBus.env];
  if (bus) return { bus };
  const file = env.INTAKE_EVENTS_FILE;
  if (file) return { file };
  throw new Error(
    `Environment variable ${eventBus.env} is required but not set (the local runtime sets INTAKE_EVENTS_FILE instead)`,
  );
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (value === undefined || value === '') {
    throw new Error(`Environment variable ${name} is required but not set`);
  }
  return value;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    jobsTable: required(env, tables.jobs.env),
    peopleTable: required(env, tables.people.env),
    bucket: required(env, bucket.env),
    processQueueUrl: required(env, queues.process.env),
    analyzeQueueUrl: required(env, queues.analyze.env),
    s3ForcePathStyle: Boolean(env.AWS_ENDPOINT_URL || env.AWS_ENDPOINT_URL_S3),
    measureCapacity: env.INTAKE_MEASURE_CAPACITY === '1',
    webhookQueueUrl: required(env, queues.webhooks.env),
    events: eventsOf(env),
    webhooksAllowLoopback: env.INTAKE_WEBHOOKS_ALLOW_LOOPBACK === '1',
    webhookRetrySchedule: env.INTAKE_WEBHOOK_RETRY_SCHEDULE
      ? parseRetrySchedule(env.INTAKE_WEBHOOK_RETRY_SCHEDULE, 'INTAKE_WEBHOOK_RETRY_SCHEDULE')
      : DEFAULT_RETRY_SCHEDULE,
    sdkCallLog: env.INTAKE_SDK_CALL_LOG
      ? { file: env.INTAKE_SDK_CALL_LOG, functionName: required(env, 'AWS_LAMBDA_FUNCTION_NAME') }
      : undefined,
  };
}
