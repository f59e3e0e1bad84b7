import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { IntakeEvent } from '../core/events.js';
import type { EventPublisher } from '../core/ports.js';
import { eventBus } from '../resources.js';

/** The `source` of every event Intake puts on its bus (match it in EventBridge rules). */
export const EVENT_SOURCE = eventBus.source;

/**
 * Events to the stack's EventBridge bus: `source` "intake", `detail-type` the event's type, `detail`
 * the event. The bus's rule forwards them to the webhook queue; teams add rules of their own.
 */
export class EventBridgePublisher implements EventPublisher {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName: string,
  ) {}

  async publish(event: IntakeEvent): Promise<void> {
    const out = await this.client.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: this.busName,
            Source: EVENT_SOURCE,
            DetailType: event.type,
            Detail: JSON.stringify(event),
            Time: new Date(event.timestamp),
          },
        ],
      }),
    );
    const failed = out.Entries?.find((entry) => entry.ErrorCode);
    if ((out.FailedEntryCount ?? 0) > 0 || failed) {
      throw new Error(
        `EventBridge refused event ${event.id} (${event.type}): ${failed?.ErrorCode ?? 'unknown'}`,
      );
    }
  }
}
