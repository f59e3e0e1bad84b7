import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandOutput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { ValidationError } from '../core/errors.js';
import type { Page, WebhookStore } from '../core/ports.js';
import type { WebhookChanges, WebhookDelivery, WebhookSubscription } from '../core/webhook-types.js';
import { cursors, partitionKey, primaryKey } from './keys.js';

/**
 * Webhook subscriptions and deliveries in the jobs table. A tenant's subscriptions share one
 * partition (`T#<tenant>#WEBHOOKS`: a tenant has a handful); each subscription's deliveries have
 * their own (`T#<tenant>#WEBHOOK#<id>`), sorted by delivery id, which sorts by the event's time.
 * Deliveries expire after `DELIVERY_RETENTION_DAYS`.
 */

export const DELIVERY_RETENTION_DAYS = 30;

const webhookKeys = {
  subscriptions: (tenantId: string) => partitionKey(`T#${tenantId}#WEBHOOKS`),
  subscription: (tenantId: string, id: string) => primaryKey(`T#${tenantId}#WEBHOOKS`, `WEBHOOK#${id}`),
  deliveries: (tenantId: string, webhookId: string) => partitionKey(`T#${tenantId}#WEBHOOK#${webhookId}`),
  delivery: (tenantId: string, webhookId: string, deliveryId: string) =>
    primaryKey(`T#${tenantId}#WEBHOOK#${webhookId}`, `DELIVERY#${deliveryId}`),
};

const KEY_ATTRIBUTES = ['pk', 'sk', 'expires_at'];

function strip<T>(item: Record<string, unknown>): T {
  const copy = { ...item };
  for (const name of KEY_ATTRIBUTES) delete copy[name];
  return copy as T;
}

const isConditionFailure = (error: unknown) => error instanceof ConditionalCheckFailedException;

export class DynamoWebhookStore implements WebhookStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async create(subscription: WebhookSubscription): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...webhookKeys.subscription(subscription.tenant_id, subscription.id), ...subscription },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async get(tenantId: string, id: string): Promise<WebhookSubscription | null> {
    const out = await this.client.send(
      new GetCommand({
        TableName: this.table,
        Key: webhookKeys.subscription(tenantId, id),
        ConsistentRead: true,
      }),
    );
    return out.Item ? strip<WebhookSubscription>(out.Item) : null;
  }

  async list(tenantId: string): Promise<WebhookSubscription[]> {
    const found: WebhookSubscription[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out: QueryCommandOutput = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :webhook)',
          ExpressionAttributeValues: { ':pk': webhookKeys.subscriptions(tenantId), ':webhook': 'WEBHOOK#' },
          ExclusiveStartKey: start,
        }),
      );
      found.push(...(out.Items ?? []).map((item) => strip<WebhookSubscription>(item)));
      start = out.LastEvaluatedKey;
    } while (start !== undefined);
    return found.sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id));
  }

  async update(
    tenantId: string,
    id: string,
    changes: WebhookChanges,
    now: string,
  ): Promise<WebhookSubscription | null> {
    const entries = Object.entries({ ...changes, updated_at: now }).filter(
      ([, value]) => value !== undefined,
    );
    try {
      const out = await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: webhookKeys.subscription(tenantId, id),
          UpdateExpression: `SET ${entries.map((_, i) => `#f${i} = :v${i}`).join(', ')}`,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: Object.fromEntries(entries.map(([name], i) => [`#f${i}`, name])),
          ExpressionAttributeValues: Object.fromEntries(entries.map(([, value], i) => [`:v${i}`, value])),
          ReturnValues: 'ALL_NEW',
        }),
      );
      return out.Attributes ? strip<WebhookSubscription>(out.Attributes) : null;
    } catch (error) {
      if (isConditionFailure(error)) return null;
      throw error;
    }
  }

  async delete(tenantId: string, id: string): Promise<boolean> {
    try {
      await this.client.send(
        new DeleteCommand({
          TableName: this.table,
          Key: webhookKeys.subscription(tenantId, id),
          ConditionExpression: 'attribute_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  private deliveryItem(delivery: WebhookDelivery) {
    const expires = Math.floor(Date.parse(delivery.created_at) / 1000) + DELIVERY_RETENTION_DAYS * 24 * 3600;
    return {
      ...webhookKeys.delivery(delivery.tenant_id, delivery.webhook_id, delivery.id),
      ...delivery,
      expires_at: expires,
    };
  }

  async createDelivery(delivery: WebhookDelivery): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: this.deliveryItem(delivery),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async getDelivery(
    tenantId: string,
    webhookId: string,
    deliveryId: string,
  ): Promise<WebhookDelivery | null> {
    const out = await this.client.send(
      new GetCommand({
        TableName: this.table,
        Key: webhookKeys.delivery(tenantId, webhookId, deliveryId),
        ConsistentRead: true,
      }),
    );
    return out.Item ? strip<WebhookDelivery>(out.Item) : null;
  }

  async listDeliveries(
    tenantId: string,
    webhookId: string,
    limit: number,
    cursor?: string,
  ): Promise<Page<WebhookDelivery>> {
    const pk = webhookKeys.deliveries(tenantId, webhookId);
    const start = cursors.decode(cursor);
    // A cursor from another listing (or tenant) would be refused by DynamoDB: refuse it here, clearly.
    if (start !== undefined && (start.pk !== pk || typeof start.sk !== 'string')) {
      const message = 'cursor is not one this listing returned; pass next_cursor back unchanged';
      throw new ValidationError(message, [{ pointer: 'cursor', message }], 'invalid_cursor');
    }
    const out = await this.client.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :delivery)',
        ExpressionAttributeValues: { ':pk': pk, ':delivery': 'DELIVERY#' },
        ScanIndexForward: false,
        Limit: limit,
        ExclusiveStartKey: start,
      }),
    );
    return {
      items: (out.Items ?? []).map((item) => strip<WebhookDelivery>(item)),
      cursor: cursors.encode(out.LastEvaluatedKey),
    };
  }

  async saveDelivery(delivery: WebhookDelivery, attemptsBefore: number): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: this.deliveryItem(delivery),
          ConditionExpression: 'attempt_count = :before',
          ExpressionAttributeValues: { ':before': attemptsBefore },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
