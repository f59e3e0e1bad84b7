import type { EventType } from './events.js';

/** A tenant's webhook subscription: where to send which events, and the secret that signs them. */
export interface WebhookSubscription {
  id: string;
  tenant_id: string;
  url: string;
  events: EventType[];
  description: string | null;
  /** `whsec_…` (Standard Webhooks): shown once, at creation and rotation; never logged. */
  secret: string;
  /** The secret before the last rotation, still signing (alongside) until `previous_secret_expires_at`. */
  previous_secret: string | null;
  previous_secret_expires_at: string | null;
  enabled: boolean;
  /** Why deliveries stopped (failing continuously for days), when they did. */
  disabled_reason: string | null;
  disabled_at: string | null;
  /** The first failed attempt since the last success; null while deliveries succeed. */
  failing_since: string | null;
  created_at: string;
  updated_at: string;
}

export type WebhookChanges = Partial<
  Pick<
    WebhookSubscription,
    | 'url'
    | 'events'
    | 'description'
    | 'secret'
    | 'previous_secret'
    | 'previous_secret_expires_at'
    | 'enabled'
    | 'disabled_reason'
    | 'disabled_at'
    | 'failing_since'
  >
>;

export interface DeliveryAttempt {
  /** 1 for the first attempt. */
  attempt: number;
  at: string;
  status_code: number | null;
  duration_ms: number;
  error: string | null;
  /** When the next attempt is due; null after a success or the last attempt. */
  next_retry_at: string | null;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

/** One event for one subscription, and every attempt to deliver it. */
export interface WebhookDelivery {
  id: string;
  tenant_id: string;
  webhook_id: string;
  event_id: string;
  event_type: EventType;
  /** The JSON sent, byte for byte on every attempt (the signature covers it). */
  payload: string;
  status: DeliveryStatus;
  /** The latest attempts, oldest first (at most `MAX_ATTEMPTS_KEPT`). */
  attempts: DeliveryAttempt[];
  attempt_count: number;
  /** `attempt_count` when the current run of retries began (0, or when redelivered). */
  run_start: number;
  next_retry_at: string | null;
  created_at: string;
  updated_at: string;
}

export const MAX_ATTEMPTS_KEPT = 50;

/** A message of the webhook queue asking for one attempt. */
export interface DeliveryMessage {
  kind: 'delivery';
  tenant_id: string;
  webhook_id: string;
  delivery_id: string;
  /** The delivery's `attempt_count` this attempt expects: a message gone stale does nothing. */
  attempt: number;
  /** Not before this time (SQS delays a message at most 15 minutes: an early one is delayed again). */
  due_at: string;
}
