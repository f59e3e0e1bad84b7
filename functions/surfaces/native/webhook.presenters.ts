import type { WebhookDelivery, WebhookSubscription } from '../../core/webhook-types.js';

/** A subscription as the API shows it: never its secret, except `withSecret` at creation and rotation. */
export const presentWebhook = (subscription: WebhookSubscription) => ({
  id: subscription.id,
  object: 'webhook',
  url: subscription.url,
  events: subscription.events,
  description: subscription.description,
  enabled: subscription.enabled,
  disabled_reason: subscription.disabled_reason,
  disabled_at: subscription.disabled_at,
  failing_since: subscription.failing_since,
  created_at: subscription.created_at,
  updated_at: subscription.updated_at,
  links: {
    self: `/v1/webhooks/${subscription.id}`,
    deliveries: `/v1/webhooks/${subscription.id}/deliveries`,
  },
});

/** The subscription with its signing secret: answered once, to the request that made the secret. */
export const presentWebhookWithSecret = (subscription: WebhookSubscription) => ({
  ...presentWebhook(subscription),
  secret: subscription.secret,
});

export const presentDelivery = (delivery: WebhookDelivery) => ({
  id: delivery.id,
  object: 'webhook_delivery',
  webhook_id: delivery.webhook_id,
  event_id: delivery.event_id,
  event_type: delivery.event_type,
  status: delivery.status,
  attempt_count: delivery.attempt_count,
  next_retry_at: delivery.next_retry_at,
  attempts: delivery.attempts.map((attempt) => ({
    attempt: attempt.attempt,
    at: attempt.at,
    status_code: attempt.status_code,
    duration_ms: attempt.duration_ms,
    error: attempt.error,
    next_retry_at: attempt.next_retry_at,
  })),
  created_at: delivery.created_at,
  updated_at: delivery.updated_at,
});
