import { randomBytes } from 'node:crypto';
import { ConflictError, NotFoundError, ValidationError } from './errors.js';
import type { EventType } from './events.js';
import type { Clock, HostResolver, IdGenerator, Page, WebhookQueue, WebhookStore } from './ports.js';
import { type AddressPolicy, hostOf, resolvedProblem, urlProblem } from './webhook-address.js';
import type { WebhookDelivery, WebhookSubscription } from './webhook-types.js';

/** Webhook subscriptions: create, read, change, rotate the secret, delete; deliveries: list, redeliver. */

export interface WebhookDeps {
  webhooks: WebhookStore;
  webhookQueue: WebhookQueue;
  resolver: HostResolver;
  clock: Clock;
  webhookIds: IdGenerator;
  webhookPolicy: AddressPolicy;
}

/** How long the secret before a rotation keeps signing (beside the new one), so receivers can switch. */
export const ROTATION_OVERLAP_MS = 24 * 3600 * 1000;

/** A new signing secret: `whsec_` and 32 random bytes in base64, as Standard Webhooks libraries take it. */
export const newSecret = (): string => `whsec_${randomBytes(32).toString('base64')}`;

/**
 * Refuses a URL Intake must not send to (scheme, credentials, or an address that is private,
 * loopback, link-local or cloud metadata once resolved), naming `/url`.
 */
export async function checkWebhookUrl(
  deps: Pick<WebhookDeps, 'resolver' | 'webhookPolicy'>,
  url: string,
): Promise<void> {
  const refuse = (message: string) =>
    new ValidationError(
      `The webhook URL is refused: ${message}`,
      [{ pointer: '/url', message }],
      'invalid_webhook_url',
    );
  const shape = urlProblem(url, deps.webhookPolicy);
  if (shape !== null) throw refuse(shape);
  const parsed = new URL(url);
  const problem = resolvedProblem(parsed, await deps.resolver.resolve(hostOf(parsed)), deps.webhookPolicy);
  if (problem !== null) throw refuse(problem);
}

export interface WebhookInput {
  url: string;
  events: EventType[];
  description?: string;
}

export async function createWebhook(
  deps: WebhookDeps,
  tenantId: string,
  input: WebhookInput,
): Promise<WebhookSubscription> {
  await checkWebhookUrl(deps, input.url);
  const now = deps.clock.now();
  const subscription: WebhookSubscription = {
    id: deps.webhookIds.next(),
    tenant_id: tenantId,
    url: input.url,
    events: [...new Set(input.events)],
    description: input.description ?? null,
    secret: newSecret(),
    previous_secret: null,
    previous_secret_expires_at: null,
    enabled: true,
    disabled_reason: null,
    disabled_at: null,
    failing_since: null,
    created_at: now,
    updated_at: now,
  };
  await deps.webhooks.create(subscription);
  return subscription;
}

export async function getWebhook(
  deps: Pick<WebhookDeps, 'webhooks'>,
  tenantId: string,
  id: string,
): Promise<WebhookSubscription> {
  const found = await deps.webhooks.get(tenantId, id);
  if (found === null) throw new NotFoundError('Webhook', id);
  return found;
}

export interface WebhookPatch {
  url?: string;
  events?: EventType[];
  description?: string | null;
  enabled?: boolean;
}

/** Changes a subscription; `enabled: true` turns a disabled one back on (its failure streak forgotten). */
export async function updateWebhook(
  deps: WebhookDeps,
  tenantId: string,
  id: string,
  patch: WebhookPatch,
): Promise<WebhookSubscription> {
  await getWebhook(deps, tenantId, id);
  if (patch.url !== undefined) await checkWebhookUrl(deps, patch.url);
  const changes = {
    ...(patch.url !== undefined ? { url: patch.url } : {}),
    ...(patch.events !== undefined ? { events: [...new Set(patch.events)] } : {}),
    ...(patch.description !== undefined ? { description: patch.description } : {}),
    ...(patch.enabled === true
      ? { enabled: true, disabled_reason: null, disabled_at: null, failing_since: null }
      : {}),
    ...(patch.enabled === false
      ? { enabled: false, disabled_reason: 'Disabled by a request', disabled_at: deps.clock.now() }
      : {}),
  };
  const updated = await deps.webhooks.update(tenantId, id, changes, deps.clock.now());
  if (updated === null) throw new NotFoundError('Webhook', id);
  return updated;
}

/**
 * A new signing secret, shown once. The previous one keeps signing beside it for
 * `ROTATION_OVERLAP_MS` (each request then carries two signatures), so receivers can switch.
 */
export async function rotateWebhookSecret(
  deps: WebhookDeps,
  tenantId: string,
  id: string,
): Promise<WebhookSubscription> {
  const current = await getWebhook(deps, tenantId, id);
  const now = deps.clock.now();
  const updated = await deps.webhooks.update(
    tenantId,
    id,
    {
      secret: newSecret(),
      previous_secret: current.secret,
      previous_secret_expires_at: new Date(Date.parse(now) + ROTATION_OVERLAP_MS).toISOString(),
    },
    now,
  );
  if (updated === null) throw new NotFoundError('Webhook', id);
  return updated;
}

export async function deleteWebhook(deps: Pick<WebhookDeps, 'webhooks'>, tenantId: string, id: string) {
  if (!(await deps.webhooks.delete(tenantId, id))) throw new NotFoundError('Webhook', id);
}

export async function listDeliveries(
  deps: Pick<WebhookDeps, 'webhooks'>,
  tenantId: string,
  webhookId: string,
  limit: number,
  cursor?: string,
): Promise<Page<WebhookDelivery>> {
  await getWebhook(deps, tenantId, webhookId);
  return deps.webhooks.listDeliveries(tenantId, webhookId, limit, cursor);
}

/**
 * Sends a delivery again, now, with a new run of retries. Refused while it is still pending (its
 * next attempt is scheduled) and while the subscription is disabled.
 */
export async function redeliver(
  deps: WebhookDeps,
  tenantId: string,
  webhookId: string,
  deliveryId: string,
): Promise<WebhookDelivery> {
  const subscription = await getWebhook(deps, tenantId, webhookId);
  const delivery = await deps.webhooks.getDelivery(tenantId, webhookId, deliveryId);
  if (delivery === null) throw new NotFoundError('Delivery', deliveryId);
  if (delivery.status === 'pending') {
    throw new ConflictError(
      `Delivery ${deliveryId} is still pending (next attempt ${delivery.next_retry_at ?? 'due now'}); redeliver it once it is delivered or failed`,
      'delivery_pending',
    );
  }
  if (!subscription.enabled) {
    throw new ConflictError(
      `Webhook ${webhookId} is disabled; enable it first with PATCH /v1/webhooks/${webhookId} {"enabled": true}`,
      'webhook_disabled',
    );
  }
  const now = deps.clock.now();
  const pending: WebhookDelivery = {
    ...delivery,
    status: 'pending',
    run_start: delivery.attempt_count,
    next_retry_at: now,
    updated_at: now,
  };
  if (!(await deps.webhooks.saveDelivery(pending, delivery.attempt_count))) {
    throw new ConflictError(`Delivery ${deliveryId} changed meanwhile; try again`, 'delivery_pending');
  }
  await deps.webhookQueue.schedule(
    {
      kind: 'delivery',
      tenant_id: tenantId,
      webhook_id: webhookId,
      delivery_id: deliveryId,
      attempt: delivery.attempt_count,
      due_at: now,
    },
    0,
  );
  return pending;
}
