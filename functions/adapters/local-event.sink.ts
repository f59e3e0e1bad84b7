import { appendFile } from 'node:fs/promises';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { IntakeEvent } from '../core/events.js';
import type { EventPublisher } from '../core/ports.js';
import { EVENT_SOURCE } from './eventbridge-event.publisher.js';

/**
 * The event bus on one machine (no emulator serves EventBridge): each event is appended as a line
 * of JSON to a file the tests and developers can read (INTAKE_EVENTS_FILE, which the local runtime
 * sets), and sent to the webhook queue as the bus's rule does in AWS, in the same envelope.
 */
export class LocalEventSink implements EventPublisher {
  constructor(
    private readonly file: string,
    private readonly sqs: SQSClient,
    private readonly webhookQueueUrl: string,
  ) {}

  async publish(event: IntakeEvent): Promise<void> {
    await appendFile(this.file, `${JSON.stringify(event)}\n`);
    const envelope = {
      version: '0',
      id: event.id,
      'detail-type': event.type,
      source: EVENT_SOURCE,
      time: event.timestamp,
      resources: [],
      detail: event,
    };
    await this.sqs.send(
      new SendMessageCommand({ QueueUrl: this.webhookQueueUrl, MessageBody: JSON.stringify(envelope) }),
    );
  }
}
