import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { createAwsClients } from '../adapters/aws-clients.js';
import { createObservability, observed } from '../adapters/observability.js';
import { createStores } from '../adapters/stores.js';
import { loadConfig } from '../config.js';
import { processChunk } from '../core/process-chunk.js';
import { applicationMetrics } from '../resources.js';
import { parseWorkMessage } from './messages.js';

const config = loadConfig();
const observability = createObservability();
const clients = createAwsClients(config, observability.tracer);
const logger = new Logger({ serviceName: 'intake-process-chunk' });
const processor = new BatchProcessor(EventType.SQS);

const deps = createStores(config, clients, observability.metrics);

const recordHandler = async (record: SQSRecord): Promise<void> => {
  // Counted before parsing: a message that cannot be read is retried too, until its dead-letter queue.
  if (Number(record.attributes.ApproximateReceiveCount) > 1) {
    observability.metrics.addMetadata('message_id', record.messageId);
    observability.metrics.addMetric(applicationMetrics.chunksRetried, MetricUnit.Count, 1);
  }
  const message = parseWorkMessage(record.body);
  await processChunk(deps, message);
  logger.info('Chunk processed', { ...message });
};

/** Applies chunks from the process queue; a failed chunk is reported alone and redelivered. */
export const handler = middy(
  async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
    processPartialResponse(event, recordHandler, processor, { context }),
).use(observed(observability));
