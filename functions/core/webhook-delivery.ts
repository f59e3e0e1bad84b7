import { createHash } from 'node:crypto';
import type { IntakeEvent } from './events.js';
import type { Clock, WebhookQueue, WebhookSender, WebhookStore } from './ports.js';
import { retryDelay, shouldDisable } from './webhook-retry.js';
import {
  type DeliveryAttempt,
  type DeliveryMessage,
  MAX_ATTEMPTS_KEPT,
  type WebhookDelivery,
  type WebhookSubscription,
} from './webhook-types.js';

/**
 * Webhook delivery, in two steps on one queue. An event is fanned out to one delivery per
 * subscription that wants it; each delivery is attempted from a message, and a failed attempt
 * schedules the next one as a delayed message (never a waiting function) until the retry
 * schedule is spent.
 */

export interface DeliveryDeps {
  webhooks: WebhookStore;
  webhookQueue: WebhookQueue;
  sender: WebhookSender;
  clock: Clock;
  /** Seconds before each retry (webhook-retry.ts). */
  retrySchedule: readonly number[];
  /** A number in [0, 1) for jitter. */
  random: () => number;
}

/**
 * A delivery's id: the same for one event and one subscription however often the event is fanned
 * out, and sorting by the event's time (so a listing is newest first).
 */
export function deliveryId(event: IntakeEvent, webhookId: string): string {
  const time = Date.parse(event.timestamp).toString(36).padStart(9, '0');
  const hash = createHash('sha256').update(`${event.id}\n${webhookId}`).digest('hex').slice(0, 16);
  return `dlv_${time}${hash}`;
}

const messageOf = (delivery: WebhookDelivery, dueAt: string): DeliveryMessage => ({
  kind: 'delivery',
  tenant_id: delivery.tenant_id,
  webhook_id: delivery.webhook_id,
  delivery_id: delivery.id,
  attempt: delivery.attempt_count,
  due_at: dueAt,
});

/** Creates a delivery for each enabled subscription of the tenant that wants this event, and queues its first attempt. */
export async function fanOut(
  deps: Pick<DeliveryDeps, 'webhooks' | 'webhookQueue' | 'clock'>,
  event: IntakeEvent,
) {
  const subscriptions = await deps.webhooks.list(event.data.tenant_id);
  const now = deps.clock.now();
  let queued = 0;
  for (const subscription of subscriptions) {
    if (!subscription.enabled || !subscription.events.includes(event.type)) continue;
    const delivery: WebhookDelivery = {
      id: deliveryId(event, subscription.id),
      tenant_id: subscription.tenant_id,
      webhook_id: subscription.id,
      event_id: event.id,
      event_type: event.type,
      payload: JSON.stringify(event),
      status: 'pending',
      attempts: [],
      attempt_count: 0,
      run_start: 0,
      next_retry_at: now,
      created_at: now,
      updated_at: now,
    };
    if (!(await deps.webhooks.createDelivery(delivery))) {
      // Fanned out before: queue its first attempt again only if it never ran (a crash in between).
      const existing = await deps.webhooks.getDelivery(delivery.tenant_id, delivery.webhook_id, delivery.id);
      if (existing === null || existing.attempt_count > 0 || existing.status !== 'pending') continue;
    }
    await deps.webhookQueue.schedule(messageOf(delivery, now), 0);
    queued++;
  }
  return queued;
}

/** The secrets that sign now: the current one, and the one before a rotation while it is honoured. */
export function signingSecrets(subscription: WebhookSubscription, now: string): string[] {
  const previous = subscription.previous_secret;
  const until = subscription.previous_secret_expires_at;
  return previous !== null && until !== null && Date.parse(until) > Date.parse(now)
    ? [subscription.secret, previous]
    : [subscription.secret];
}

export type AttemptOutcome = 'delivered' | 'retrying' | 'failed' | 'deferred' | 'stale';

/** One attempt from a queue message: sends, records the attempt, and schedules the next when it failed. */
export async function attemptDelivery(deps: DeliveryDeps, message: DeliveryMessage): Promise<AttemptOutcome> {
  const delivery = await deps.webhooks.getDelivery(
    message.tenant_id,
    message.webhook_id,
    message.delivery_id,
  );
  if (delivery === null || delivery.status !== 'pending' || delivery.attempt_count !== message.attempt) {
    return 'stale';
  }
  const now = deps.clock.now();
  const wait = Math.ceil((Date.parse(message.due_at) - Date.parse(now)) / 1000);
  if (wait > 0) {
    await deps.webhookQueue.schedule(message, wait);
    return 'deferred';
  }
  const subscription = await deps.webhooks.get(message.tenant_id, message.webhook_id);
  const response =
    subscription === null || !subscription.enabled
      ? {
          status_code: null,
          duration_ms: 0,
          error: subscription === null ? 'The webhook was deleted' : 'The webhook is disabled',
        }
      : await deps.sender.send({
          url: subscription.url,
          messageId: delivery.event_id,
          timestamp: new Date(now),
          payload: delivery.payload,
          secrets: signingSecrets(subscription, now),
        });
  const delivered =
    response.status_code !== null && response.status_code >= 200 && response.status_code < 300;
  const error =
    response.error ??
    (delivered ? null : `The receiver answered ${response.status_code ?? 'nothing'}, not 2xx`);
  const delay =
    delivered || subscription === null || !subscription.enabled
      ? null
      : retryDelay(deps.retrySchedule, delivery.attempt_count - delivery.run_start, deps.random());
  const after = deps.clock.now();
  const nextAt = delay === null ? null : new Date(Date.parse(after) + delay * 1000).toISOString();
  const attempt: DeliveryAttempt = {
    attempt: delivery.attempt_count + 1,
    at: now,
    status_code: response.status_code,
    duration_ms: response.duration_ms,
    error,
    next_retry_at: nextAt,
  };
  const updated: WebhookDelivery = {
    ...delivery,
    status: delivered ? 'delivered' : nextAt === null ? 'failed' : 'pending',
    attempts: [...delivery.attempts, attempt].slice(-MAX_ATTEMPTS_KEPT),
    attempt_count: delivery.attempt_count + 1,
    next_retry_at: nextAt,
    updated_at: after,
  };
  if (!(await deps.webhooks.saveDelivery(updated, delivery.attempt_count))) return 'stale';
  if (subscription?.enabled) await recordHealth(deps, subscription, delivered, now);
  if (delay !== null && nextAt !== null) {
    await deps.webhookQueue.schedule(messageOf(updated, nextAt), delay);
    return 'retrying';
  }
  return delivered ? 'delivered' : 'failed';
}

/**
 * A success ends the subscription's failure streak; a failure starts one, and a streak of
 * `DISABLE_AFTER_MS` disables the subscription, saying why.
 */
async function recordHealth(
  deps: Pick<DeliveryDeps, 'webhooks' | 'clock'>,
  subscription: WebhookSubscription,
  delivered: boolean,
  at: string,
): Promise<void> {
  const { tenant_id: tenantId, id } = subscription;
  if (delivered) {
    if (subscription.failing_since !== null)
      await deps.webhooks.update(tenantId, id, { failing_since: null }, deps.clock.now());
    return;
  }
  if (subscription.failing_since === null) {
    await deps.webhooks.update(tenantId, id, { failing_since: at }, deps.clock.now());
    return;
  }
  if (shouldDisable(subscription.failing_since, at)) {
    await deps.webhooks.update(
      tenantId,
      id,
      {
        enabled: false,
        disabled_at: at,
        disabled_reason: `Every delivery since ${subscription.failing_since} has failed, so deliveries have stopped; fix the receiver, then PATCH /v1/webhooks/${id} {"enabled": true}`,
      },
      deps.clock.now(),
    );
  }
}
