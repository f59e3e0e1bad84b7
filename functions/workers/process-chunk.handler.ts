import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { Logger } from '@aws-lambda-powertools/logger';
import type { SQSEvent, SQSHandler, SQSRecord } from 'aws-lambda';
import { createAwsClients } from '../adapters/aws-clients.js';
import { createStores } from '../adapters/stores.js';
import { loadConfig } from '../config.js';
import { processChunk } from '../core/process-chunk.js';
import { parseWorkMessage } from './messages.js';

const config = loadConfig();
const clients = createAwsClients(config);
const logger = new Logger({ serviceName: 'intake-process-chunk' });
const processor = new BatchProcessor(EventType.SQS);

const deps = createStores(config, clients);

const recordHandler = async (record: SQSRecord): Promise<void> => {
  const message = parseWorkMessage(record.body);
  await processChunk(deps, message);
  logger.info('Chunk processed', { ...message });
};

/** Applies chunks from the process queue; a failed chunk is reported alone and redelivered. */
export const handler: SQSHandler = async (event: SQSEvent, context) =>
  processPartialResponse(event, recordHandler, processor, { context });
