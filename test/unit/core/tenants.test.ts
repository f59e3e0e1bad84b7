import { hashApiKey } from '../../../functions/core/auth.js';
import { ValidationError } from '../../../functions/core/errors.js';
import { grantApiKey } from '../../../functions/core/tenants.js';
import { FROZEN_NOW } from '../../helpers/in-memory/fixed-clock.js';
import { MemoryTenantStore } from '../../helpers/in-memory/memory-tenant.store.js';

describe('grantApiKey', () => {
  it('creates the tenant with its first key, then adds keys to it', async () => {
    const store = new MemoryTenantStore();

    const first = await grantApiKey(store, { id: 'acme', name: 'Acme' }, FROZEN_NOW);
    const second = await grantApiKey(store, { id: 'acme', name: 'Acme' }, FROZEN_NOW, 'ik_chosen');

    expect(second).toBe('ik_chosen');
    expect(await store.getTenant('acme')).toEqual({ id: 'acme', name: 'Acme' });
    expect(await store.tenantForKey(hashApiKey(first))).toEqual({ id: 'acme', name: 'Acme' });
    expect(await store.tenantForKey(hashApiKey('ik_chosen'))).toEqual({ id: 'acme', name: 'Acme' });
    expect(await store.tenantForKey(hashApiKey('ik_other'))).toBeNull();
  });

  it('refuses a tenant id that is not 2-63 lower-case letters, digits or dashes, and stores nothing', async () => {
    const store = new MemoryTenantStore();

    await expect(grantApiKey(store, { id: 'Acme Inc', name: 'Acme' }, FROZEN_NOW)).rejects.toBeInstanceOf(
      ValidationError,
    );
    expect(await store.getTenant('Acme Inc')).toBeNull();
  });
});
