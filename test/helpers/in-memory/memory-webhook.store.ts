import type { Page, WebhookQueue, WebhookStore } from '../../../functions/core/ports.js';
import type {
  DeliveryMessage,
  WebhookChanges,
  WebhookDelivery,
  WebhookSubscription,
} from '../../../functions/core/webhook-types.js';

const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** WebhookStore in memory, with the conditions of the DynamoDB one (create once, save on the attempt count). */
export class MemoryWebhookStore implements WebhookStore {
  private readonly subscriptions = new Map<string, WebhookSubscription>();
  private readonly deliveries = new Map<string, WebhookDelivery>();

  async create(subscription: WebhookSubscription): Promise<void> {
    const key = `${subscription.tenant_id}/${subscription.id}`;
    if (this.subscriptions.has(key)) throw new Error(`Webhook ${key} exists`);
    this.subscriptions.set(key, copy(subscription));
  }

  async get(tenantId: string, id: string): Promise<WebhookSubscription | null> {
    const found = this.subscriptions.get(`${tenantId}/${id}`);
    return found ? copy(found) : null;
  }

  async list(tenantId: string): Promise<WebhookSubscription[]> {
    return [...this.subscriptions.values()].filter((s) => s.tenant_id === tenantId).map(copy);
  }

  async update(tenantId: string, id: string, changes: WebhookChanges, now: string) {
    const found = this.subscriptions.get(`${tenantId}/${id}`);
    if (!found) return null;
    const updated = { ...found, ...copy(changes), updated_at: now };
    this.subscriptions.set(`${tenantId}/${id}`, updated);
    return copy(updated);
  }

  async delete(tenantId: string, id: string): Promise<boolean> {
    return this.subscriptions.delete(`${tenantId}/${id}`);
  }

  async createDelivery(delivery: WebhookDelivery): Promise<boolean> {
    const key = `${delivery.tenant_id}/${delivery.webhook_id}/${delivery.id}`;
    if (this.deliveries.has(key)) return false;
    this.deliveries.set(key, copy(delivery));
    return true;
  }

  async getDelivery(tenantId: string, webhookId: string, deliveryId: string) {
    const found = this.deliveries.get(`${tenantId}/${webhookId}/${deliveryId}`);
    return found ? copy(found) : null;
  }

  async listDeliveries(tenantId: string, webhookId: string, limit: number, cursor?: string) {
    const all = [...this.deliveries.values()]
      .filter((d) => d.tenant_id === tenantId && d.webhook_id === webhookId)
      .sort((a, b) => b.id.localeCompare(a.id));
    const start = cursor ? Number(cursor) : 0;
    const items = all.slice(start, start + limit).map(copy);
    const page: Page<WebhookDelivery> = {
      items,
      cursor: start + limit < all.length ? String(start + limit) : null,
    };
    return page;
  }

  async saveDelivery(delivery: WebhookDelivery, attemptsBefore: number): Promise<boolean> {
    const key = `${delivery.tenant_id}/${delivery.webhook_id}/${delivery.id}`;
    const found = this.deliveries.get(key);
    if (!found || found.attempt_count !== attemptsBefore) return false;
    this.deliveries.set(key, copy(delivery));
    return true;
  }
}

/** WebhookQueue in memory: each message with the delay it was given. */
export class MemoryWebhookQueue implements WebhookQueue {
  readonly sent: { message: DeliveryMessage; delaySeconds: number }[] = [];

  async schedule(message: DeliveryMessage, delaySeconds: number): Promise<void> {
    this.sent.push({ message: copy(message), delaySeconds });
  }

  /** Hands out the messages not taken yet. */
  take(): DeliveryMessage[] {
    return this.sent.splice(0).map((entry) => entry.message);
  }
}
