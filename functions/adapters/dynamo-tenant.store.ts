import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import type { TenantStore } from '../core/ports.js';
import type { Tenant } from '../core/types.js';
import { keys } from './keys.js';

/** Tenants and their API keys (stored by hash only) in the jobs table. */
export class DynamoTenantStore implements TenantStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async createTenant(tenant: Tenant, keyHash: string, now: string): Promise<void> {
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
          { Put: { TableName: this.table, Item: this.keyItem(tenant, keyHash, now) } },
        ],
      }),
    );
  }

  async addKey(tenantId: string, keyHash: string, now: string): Promise<void> {
    const out = await this.client.send(new GetCommand({ TableName: this.table, Key: keys.tenant(tenantId) }));
    if (!out.Item) throw new Error(`Tenant '${tenantId}' does not exist`);
    const tenant = { id: tenantId, name: out.Item.name as string };
    await this.client.send(
      new PutCommand({ TableName: this.table, Item: this.keyItem(tenant, keyHash, now) }),
    );
  }

  async getTenant(tenantId: string): Promise<Tenant | null> {
    const out = await this.client.send(new GetCommand({ TableName: this.table, Key: keys.tenant(tenantId) }));
    return out.Item ? { id: tenantId, name: out.Item.name as string } : null;
  }

  async tenantForKey(keyHash: string): Promise<Tenant | null> {
    const out = await this.client.send(new GetCommand({ TableName: this.table, Key: keys.apiKey(keyHash) }));
    return out.Item ? { id: out.Item.tenant_id as string, name: out.Item.tenant_name as string } : null;
  }

  private keyItem(tenant: Tenant, keyHash: string, now: string) {
    return { ...keys.apiKey(keyHash), tenant_id: tenant.id, tenant_name: tenant.name, created_at: now };
  }
}
