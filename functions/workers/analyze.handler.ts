import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { Logger } from '@aws-lambda-powertools/logger';
import type { SQSEvent, SQSHandler, SQSRecord } from 'aws-lambda';
import { createAwsClients } from '../adapters/aws-clients.js';
import { DynamoFieldStore } from '../adapters/dynamo-field.store.js';
import { DynamoImportStore } from '../adapters/dynamo-import.store.js';
import { DynamoPeopleStore } from '../adapters/dynamo-people.store.js';
import { S3ChunkStore } from '../adapters/s3-chunk.store.js';
import { S3SourceStore } from '../adapters/s3-source.store.js';
import { SqsWorkQueue } from '../adapters/sqs-work.queue.js';
import { prefixedIds, systemClock } from '../adapters/system.js';
import { loadConfig } from '../config.js';
import { analyzeImport } from '../core/analyze.js';
import { parseImportRef } from './messages.js';

const config = loadConfig();
const clients = createAwsClients(config);
const logger = new Logger({ serviceName: 'intake-analyze' });
const processor = new BatchProcessor(EventType.SQS);

const deps = {
  imports: new DynamoImportStore(clients.dynamo, config.jobsTable),
  people: new DynamoPeopleStore(clients.dynamo, config.peopleTable, config.jobsTable),
  chunks: new S3ChunkStore(clients.s3, config.bucket),
  fields: new DynamoFieldStore(clients.dynamo, config.jobsTable),
  source: new S3SourceStore(clients.s3, config.bucket),
  queue: new SqsWorkQueue(clients.sqs, { process: config.processQueueUrl, analyze: config.analyzeQueueUrl }),
  clock: systemClock,
  actionIds: prefixedIds('act'),
  personIds: prefixedIds('per'),
};

const recordHandler = async (record: SQSRecord): Promise<void> => {
  const ref = parseImportRef(record.body);
  await analyzeImport(deps, ref);
  logger.info('Import analyzed', { ...ref });
};

/** Analyzes uploaded imports: validation, chunks and the review. */
export const handler: SQSHandler = async (event: SQSEvent, context) =>
  processPartialResponse(event, recordHandler, processor, { context });
