import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { Logger } from '@aws-lambda-powertools/logger';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { createAwsClients } from '../adapters/aws-clients.js';
import { createObservability, observed } from '../adapters/observability.js';
import { importOfSourceKey } from '../adapters/s3-source.store.js';
import { createStores } from '../adapters/stores.js';
import { loadConfig } from '../config.js';
import { deadLetter } from '../core/dead-letter.js';
import { parseDeadLetter } from './messages.js';

const config = loadConfig();
const observability = createObservability();
const clients = createAwsClients(config, observability.tracer);
const logger = new Logger({ serviceName: 'intake-dead-letter' });
const processor = new BatchProcessor(EventType.SQS);

const deps = createStores(config, clients, observability.metrics);

const recordHandler = async (record: SQSRecord): Promise<void> => {
  const messages = parseDeadLetter(record.body, importOfSourceKey);
  if (messages === null) {
    // Not ours to repair (unreadable): keep it visible in the queue and its alarm.
    logger.error('Unreadable dead letter', { messageId: record.messageId });
    throw new Error('Unreadable dead letter');
  }
  // An upload event names its imports (usually one); an S3 test event or another object names none.
  for (const message of messages) {
    logger.warn('Dead letter: marking its work unprocessed', { ...message });
    await deadLetter(deps, message);
  }
};

/**
 * Consumes the dead-letter queues: a chunk's rows become unprocessed; an analysis (or an upload
 * event whose analysis could not run) fails its import if it is still analyzing.
 */
export const handler = middy(
  async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
    processPartialResponse(event, recordHandler, processor, { context }),
).use(observed(observability));
