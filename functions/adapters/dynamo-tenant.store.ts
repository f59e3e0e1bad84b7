import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import type { ApiKeyInfo, StoredApiKey, TenantStore } from '../core/ports.js';
import type { Tenant } from '../core/types.js';
import { keys } from './keys.js';

/**
 * Tenants and their API keys (stored by hash only) in the jobs table. A key is two items written
 * and deleted together: `APIKEY#<hash>`, which authentication reads, and `TENANT#<id>`/`KEY#<key id>`,
 * which lists the tenant's keys and names the hash to delete on revocation.
 */
export class DynamoTenantStore implements TenantStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async createTenant(tenant: Tenant, key: StoredApiKey, now: string): Promise<void> {
    await this.client.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: this.table,
              Item: { ...keys.tenant(tenant.id), ...tenant, created_at: now },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          ...this.keyPuts(tenant, key, now),
        ],
      }),
    );
  }

  async addKey(tenantId: string, key: StoredApiKey, now: string): Promise<void> {
    const out = await this.client.send(new GetCommand({ TableName: this.table, Key: keys.tenant(tenantId) }));
    if (!out.Item) throw new Error(`Tenant '${tenantId}' does not exist`);
    const tenant = { id: tenantId, name: out.Item.name as string };
    await this.client.send(new TransactWriteCommand({ TransactItems: this.keyPuts(tenant, key, now) }));
  }

  async getTenant(tenantId: string): Promise<Tenant | null> {
    const out = await this.client.send(new GetCommand({ TableName: this.table, Key: keys.tenant(tenantId) }));
    return out.Item ? { id: tenantId, name: out.Item.name as string } : null;
  }

  /** A strongly consistent read: a key revoked a moment ago is already gone. */
  async tenantForKey(keyHash: string): Promise<Tenant | null> {
    const out = await this.client.send(
      new GetCommand({ TableName: this.table, Key: keys.apiKey(keyHash), ConsistentRead: true }),
    );
    return out.Item ? { id: out.Item.tenant_id as string, name: out.Item.tenant_name as string } : null;
  }

  async listKeys(tenantId: string): Promise<ApiKeyInfo[]> {
    const found: ApiKeyInfo[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': keys.tenant(tenantId).pk, ':prefix': keys.tenantKeyPrefix },
          ProjectionExpression: 'key_id, created_at',
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      for (const item of out.Items ?? []) {
        found.push({ id: item.key_id as string, created_at: item.created_at as string });
      }
      start = out.LastEvaluatedKey;
    } while (start !== undefined);
    return found.sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id));
  }

  async revokeKey(tenantId: string, keyId: string): Promise<boolean> {
    const out = await this.client.send(
      new GetCommand({ TableName: this.table, Key: keys.tenantKey(tenantId, keyId), ConsistentRead: true }),
    );
    if (!out.Item) return false;
    await this.client.send(
      new TransactWriteCommand({
        TransactItems: [
          { Delete: { TableName: this.table, Key: keys.tenantKey(tenantId, keyId) } },
          {
            Delete: {
              TableName: this.table,
              Key: keys.apiKey(out.Item.key_hash as string),
              // Never another tenant's key, whatever the record says.
              ConditionExpression: 'attribute_not_exists(pk) OR tenant_id = :tenant',
              ExpressionAttributeValues: { ':tenant': tenantId },
            },
          },
        ],
      }),
    );
    return true;
  }

  private keyPuts(tenant: Tenant, key: StoredApiKey, now: string) {
    return [
      {
        Put: {
          TableName: this.table,
          Item: {
            ...keys.apiKey(key.hash),
            key_id: key.id,
            tenant_id: tenant.id,
            tenant_name: tenant.name,
            created_at: now,
          },
        },
      },
      {
        Put: {
          TableName: this.table,
          Item: { ...keys.tenantKey(tenant.id, key.id), key_id: key.id, key_hash: key.hash, created_at: now },
        },
      },
    ];
  }
}
