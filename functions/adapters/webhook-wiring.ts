import { SQSClient } from '@aws-sdk/client-sqs';
import type { Config } from '../config.js';
import { publishing } from '../core/import-events.js';
import type { EventPublisher, ImportStore } from '../core/ports.js';
import type { AwsClients } from './aws-clients.js';
import { dnsResolver } from './dns-host.resolver.js';
import { DynamoWebhookStore } from './dynamo-webhook.store.js';
import { EventBridgePublisher } from './eventbridge-event.publisher.js';
import { HttpWebhookSender } from './http-webhook.sender.js';
import { LocalEventSink } from './local-event.sink.js';
import { SqsWebhookQueue } from './sqs-webhook.queue.js';
import { prefixedIds, systemClock } from './system.js';

/**
 * The adapters of events and webhooks, wired from the configuration (part of `createStores`): the
 * event publisher (EventBridge, or the local sink), the webhook store, queue and sender, and the
 * address rule they all apply.
 */
export function eventsAndWebhooks(config: Config, clients: AwsClients) {
  const publisher: EventPublisher =
    'bus' in config.events
      ? new EventBridgePublisher(clients.events, config.events.bus)
      : // Its sends stand in for the bus's rule, not for a call the function makes in AWS: a client
        // of its own, so test/iam's recording (on `clients`) does not count them as the function's.
        new LocalEventSink(
          config.events.file,
          new SQSClient({ useQueueUrlAsEndpoint: false }),
          config.webhookQueueUrl,
        );
  const webhookPolicy = { allowLoopback: config.webhooksAllowLoopback };
  const eventIds = prefixedIds('evt');
  return {
    publisher,
    publishingImports: <S extends ImportStore>(store: S) =>
      publishing(store, { publisher, clock: systemClock, eventIds }),
    webhooks: new DynamoWebhookStore(clients.dynamo, config.jobsTable),
    webhookQueue: new SqsWebhookQueue(clients.sqs, config.webhookQueueUrl),
    sender: new HttpWebhookSender(dnsResolver, webhookPolicy),
    resolver: dnsResolver,
    webhookPolicy,
    webhookIds: prefixedIds('wh'),
    retrySchedule: config.webhookRetrySchedule,
    random: Math.random,
  };
}
