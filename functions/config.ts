import { bucket, queues, tables } from './resources.js';

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
  /** Tests (test/iam): the file to record every AWS SDK call in, and the function they are made by. */
  sdkCallLog?: { file: string; functionName: string };
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
    sdkCallLog: env.INTAKE_SDK_CALL_LOG
      ? { file: env.INTAKE_SDK_CALL_LOG, functionName: required(env, 'AWS_LAMBDA_FUNCTION_NAME') }
      : undefined,
  };
}
