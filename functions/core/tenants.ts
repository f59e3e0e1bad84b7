import { hashApiKey, newApiKey } from './auth.js';
import { ValidationError } from './errors.js';
import type { TenantStore } from './ports.js';
import type { Tenant } from './types.js';

const TENANT_ID = /^[a-z0-9][a-z0-9-]{1,62}$/;

/** Makes sure the tenant exists and accepts `key` (a new random key when none is given). Returns the key. */
export async function grantApiKey(
  store: TenantStore,
  tenant: Tenant,
  now: string,
  key = newApiKey(),
): Promise<string> {
  if (!TENANT_ID.test(tenant.id)) {
    const message = 'tenant id must be 2-63 lower-case letters, digits or dashes';
    throw new ValidationError(message, [{ pointer: 'tenant', message }]);
  }
  if ((await store.getTenant(tenant.id)) === null) await store.createTenant(tenant, hashApiKey(key), now);
  else await store.addKey(tenant.id, hashApiKey(key), now);
  return key;
}
