import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { WebhookQueue } from '../core/ports.js';
import type { DeliveryMessage } from '../core/webhook-types.js';

/** SQS delays a message at most 15 minutes; a later attempt is delayed again when it arrives early. */
export const MAX_DELAY_SECONDS = 900;

/** Delivery attempts on the webhook queue, each delayed (DelaySeconds) until it is due. */
export class SqsWebhookQueue implements WebhookQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly url: string,
  ) {}

  async schedule(message: DeliveryMessage, delaySeconds: number): Promise<void> {
    await this.client.send(
      new SendMessageCommand({
        QueueUrl: this.url,
        MessageBody: JSON.stringify(message),
        DelaySeconds: Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.ceil(delaySeconds))),
      }),
    );
  }
}
