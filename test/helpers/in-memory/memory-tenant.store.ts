import type { ApiKeyInfo, StoredApiKey, TenantStore } from '../../../functions/core/ports.js';
import type { Tenant } from '../../../functions/core/types.js';

/**
 * TenantStore in memory, with DynamoTenantStore's contract: a tenant is created once with its
 * first key (creating it again throws), further keys are added to an existing tenant only, keys
 * are known by their hash and listed and revoked by their id.
 */
export class MemoryTenantStore implements TenantStore {
  private readonly tenants = new Map<string, Tenant & { created_at: string }>();
  private readonly keys = new Map<
    string,
    { id: string; tenant_id: string; tenant_name: string; created_at: string }
  >();

  async createTenant(tenant: Tenant, key: StoredApiKey, now: string): Promise<void> {
    if (this.tenants.has(tenant.id)) throw new Error(`TransactionCanceled: tenant '${tenant.id}' exists`);
    this.tenants.set(tenant.id, { id: tenant.id, name: tenant.name, created_at: now });
    this.keys.set(key.hash, { id: key.id, tenant_id: tenant.id, tenant_name: tenant.name, created_at: now });
  }

  async addKey(tenantId: string, key: StoredApiKey, now: string): Promise<void> {
    const tenant = this.tenants.get(tenantId);
    if (tenant === undefined) throw new Error(`Tenant '${tenantId}' does not exist`);
    this.keys.set(key.hash, { id: key.id, tenant_id: tenant.id, tenant_name: tenant.name, created_at: now });
  }

  async getTenant(tenantId: string): Promise<Tenant | null> {
    const tenant = this.tenants.get(tenantId);
    return tenant === undefined ? null : { id: tenant.id, name: tenant.name };
  }

  async tenantForKey(keyHash: string): Promise<Tenant | null> {
    const key = this.keys.get(keyHash);
    return key === undefined ? null : { id: key.tenant_id, name: key.tenant_name };
  }

  async listKeys(tenantId: string): Promise<ApiKeyInfo[]> {
    return [...this.keys.values()]
      .filter((key) => key.tenant_id === tenantId)
      .map((key) => ({ id: key.id, created_at: key.created_at }))
      .sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id));
  }

  async revokeKey(tenantId: string, keyId: string): Promise<boolean> {
    for (const [hash, key] of this.keys) {
      if (key.tenant_id === tenantId && key.id === keyId) return this.keys.delete(hash);
    }
    return false;
  }
}
