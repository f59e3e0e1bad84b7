import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { Logger } from '@aws-lambda-powertools/logger';
import type { SQSEvent, SQSHandler, SQSRecord } from 'aws-lambda';
import { createAwsClients } from '../adapters/aws-clients.js';
import { createStores } from '../adapters/stores.js';
import { loadConfig } from '../config.js';
import { attemptDelivery, fanOut } from '../core/webhook-delivery.js';
import { parseWebhookQueueMessage } from './webhook-messages.js';

const config = loadConfig();
const clients = createAwsClients(config);
const logger = new Logger({ serviceName: 'intake-webhooks' });
const processor = new BatchProcessor(EventType.SQS);

const deps = createStores(config, clients);

const recordHandler = async (record: SQSRecord): Promise<void> => {
  const parsed = parseWebhookQueueMessage(record.body);
  if (parsed.kind === 'event') {
    const queued = await fanOut(deps, parsed.event);
    logger.info('Event fanned out', {
      eventId: parsed.event.id,
      type: parsed.event.type,
      deliveries: queued,
    });
    return;
  }
  const { message } = parsed;
  const outcome = await attemptDelivery(deps, message);
  // Ids and the outcome only: never the URL's secret parts, the payload or a signature.
  logger.info('Webhook delivery attempt', {
    webhookId: message.webhook_id,
    deliveryId: message.delivery_id,
    attempt: message.attempt + 1,
    outcome,
  });
};

/**
 * The webhook queue: events to fan out to subscriptions, and delivery attempts (a failed attempt
 * queues the next, delayed, so this function never waits for a retry). Records of a batch run in
 * parallel, each waiting at most 10 s for its receiver.
 */
export const handler: SQSHandler = async (event: SQSEvent, context) =>
  processPartialResponse(event, recordHandler, processor, { context });
