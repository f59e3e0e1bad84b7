import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { Logger } from '@aws-lambda-powertools/logger';
import type { SQSEvent, SQSHandler, SQSRecord } from 'aws-lambda';
import { createAwsClients } from '../adapters/aws-clients.js';
import { DynamoFieldStore } from '../adapters/dynamo-field.store.js';
import { DynamoImportStore } from '../adapters/dynamo-import.store.js';
import { DynamoPeopleStore } from '../adapters/dynamo-people.store.js';
import { S3ChunkStore } from '../adapters/s3-chunk.store.js';
import { S3ResultFiles } from '../adapters/s3-result.files.js';
import { prefixedIds, systemClock } from '../adapters/system.js';
import { loadConfig } from '../config.js';
import { processChunk } from '../core/process-chunk.js';
import { parseWorkMessage } from './messages.js';

const config = loadConfig();
const clients = createAwsClients(config);
const logger = new Logger({ serviceName: 'intake-process-chunk' });
const processor = new BatchProcessor(EventType.SQS);

const deps = {
  imports: new DynamoImportStore(clients.dynamo, config.jobsTable),
  people: new DynamoPeopleStore(clients.dynamo, config.peopleTable, config.jobsTable),
  chunks: new S3ChunkStore(clients.s3, config.bucket),
  files: new S3ResultFiles(clients.s3, config.bucket),
  fields: new DynamoFieldStore(clients.dynamo, config.jobsTable),
  clock: systemClock,
  personIds: prefixedIds('per'),
};

const recordHandler = async (record: SQSRecord): Promise<void> => {
  const message = parseWorkMessage(record.body);
  await processChunk(deps, message);
  logger.info('Chunk processed', { ...message });
};

/** Applies chunks from the process queue; a failed chunk is reported alone and redelivered. */
export const handler: SQSHandler = async (event: SQSEvent, context) =>
  processPartialResponse(event, recordHandler, processor, { context });
