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
import { deadLetter } from '../core/dead-letter.js';
import { parseDeadLetter } from './messages.js';

const config = loadConfig();
const clients = createAwsClients(config);
const logger = new Logger({ serviceName: 'intake-dead-letter' });
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
  const message = parseDeadLetter(record.body);
  if (message === null) {
    // Not ours to repair (unreadable): keep it visible in the queue and its alarm.
    logger.error('Unreadable dead letter', { messageId: record.messageId });
    throw new Error('Unreadable dead letter');
  }
  logger.warn('Dead letter: marking its work unprocessed', { ...message });
  await deadLetter(deps, message);
};

/** Consumes the dead-letter queues: a chunk's rows become unprocessed, an analysis fails its import. */
export const handler: SQSHandler = async (event: SQSEvent, context) =>
  processPartialResponse(event, recordHandler, processor, { context });
