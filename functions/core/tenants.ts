import { hashApiKey, newApiKey, newApiKeyId } from './auth.js';
import { NotFoundError, ValidationError } from './errors.js';
import type { ApiKeyInfo, TenantStore } from './ports.js';
import type { Tenant } from './types.js';

const TENANT_ID = /^[a-z0-9][a-z0-9-]{1,62}$/;

function checkTenantId(tenantId: string): void {
  if (!TENANT_ID.test(tenantId)) {
    const message = 'tenant id must be 2-63 lower-case letters, digits or dashes';
    throw new ValidationError(message, [{ pointer: 'tenant', message }]);
  }
}

/**
 * Makes sure the tenant exists and accepts `key` (a new random key when none is given): a tenant
 * may hold several keys, so a second one rotates the first out once clients use it. Returns the
 * key (shown once) and its id.
 */
export async function grantApiKey(
  store: TenantStore,
  tenant: Tenant,
  now: string,
  key = newApiKey(),
): Promise<{ id: string; key: string }> {
  checkTenantId(tenant.id);
  const stored = { id: newApiKeyId(), hash: hashApiKey(key) };
  if ((await store.getTenant(tenant.id)) === null) await store.createTenant(tenant, stored, now);
  else await store.addKey(tenant.id, stored, now);
  return { id: stored.id, key };
}

/** The tenant's keys by id and creation time; never a secret or a hash. */
export async function listApiKeys(store: TenantStore, tenantId: string): Promise<ApiKeyInfo[]> {
  checkTenantId(tenantId);
  if ((await store.getTenant(tenantId)) === null) throw new NotFoundError('Tenant', tenantId);
  return store.listKeys(tenantId);
}

/** Revokes one of the tenant's keys: from the next request on, it answers 401. */
export async function revokeApiKey(store: TenantStore, tenantId: string, keyId: string): Promise<void> {
  checkTenantId(tenantId);
  if (!(await store.revokeKey(tenantId, keyId)))
    throw new NotFoundError(`Key of tenant '${tenantId}'`, keyId);
}
