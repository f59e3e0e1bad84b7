import { type IntakeEvent, isEventType } from '../core/events.js';
import type { DeliveryMessage } from '../core/webhook-types.js';

/**
 * What the webhook queue carries: an event as EventBridge's rule (or the local sink) sends it,
 * `{"detail-type", "source", "detail": <the event>}`, to fan out; or a delivery attempt.
 */
export type WebhookQueueMessage =
  | { kind: 'event'; event: IntakeEvent }
  | { kind: 'delivery'; message: DeliveryMessage };

const record = (value: unknown): Record<string, unknown> | null =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;

const text = (value: unknown): value is string => typeof value === 'string' && value !== '';

/** Parses a message of the webhook queue; anything else is a poison message and throws. */
export function parseWebhookQueueMessage(body: string): WebhookQueueMessage {
  const value = record(JSON.parse(body));
  const detail = record(value?.detail);
  const data = record(detail?.data);
  if (detail !== null) {
    if (!text(detail.id) || !isEventType(detail.type) || !text(detail.timestamp) || !text(data?.tenant_id)) {
      throw new Error('Malformed event message (detail: id, type, timestamp, data.tenant_id)');
    }
    return { kind: 'event', event: detail as unknown as IntakeEvent };
  }
  if (
    value?.kind === 'delivery' &&
    text(value.tenant_id) &&
    text(value.webhook_id) &&
    text(value.delivery_id) &&
    typeof value.attempt === 'number' &&
    Number.isInteger(value.attempt) &&
    text(value.due_at)
  ) {
    return {
      kind: 'delivery',
      message: {
        kind: 'delivery',
        tenant_id: value.tenant_id,
        webhook_id: value.webhook_id,
        delivery_id: value.delivery_id,
        attempt: value.attempt,
        due_at: value.due_at,
      },
    };
  }
  throw new Error(
    'Malformed webhook queue message (an event, or a delivery: tenant_id, webhook_id, delivery_id, attempt, due_at)',
  );
}
