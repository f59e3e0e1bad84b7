import { hashApiKey } from '../../../functions/core/auth.js';
import { NotFoundError, ValidationError } from '../../../functions/core/errors.js';
import { grantApiKey, listApiKeys, revokeApiKey } from '../../../functions/core/tenants.js';
import { FROZEN_NOW } from '../../helpers/in-memory/fixed-clock.js';
import { MemoryTenantStore } from '../../helpers/in-memory/memory-tenant.store.js';

const LATER = '2024-05-02T08:00:00.000Z';

describe('grantApiKey', () => {
  it('creates the tenant with its first key, then adds keys to it', async () => {
    const store = new MemoryTenantStore();

    const first = await grantApiKey(store, { id: 'acme', name: 'Acme' }, FROZEN_NOW);
    const second = await grantApiKey(store, { id: 'acme', name: 'Acme' }, FROZEN_NOW, 'ik_chosen');

    expect(second.key).toBe('ik_chosen');
    expect(second.id).not.toBe(first.id);
    expect(await store.getTenant('acme')).toEqual({ id: 'acme', name: 'Acme' });
    expect(await store.tenantForKey(hashApiKey(first.key))).toEqual({ id: 'acme', name: 'Acme' });
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

describe('listApiKeys', () => {
  it("lists a tenant's keys by id and creation time, oldest first, with no secret or hash", async () => {
    const store = new MemoryTenantStore();
    const first = await grantApiKey(store, { id: 'acme', name: 'Acme' }, FROZEN_NOW);
    const second = await grantApiKey(store, { id: 'acme', name: 'Acme' }, LATER);
    await grantApiKey(store, { id: 'other', name: 'Other' }, FROZEN_NOW);

    const listed = await listApiKeys(store, 'acme');

    expect(listed).toEqual([
      { id: first.id, created_at: FROZEN_NOW },
      { id: second.id, created_at: LATER },
    ]);
    const text = JSON.stringify(listed);
    for (const secret of [first.key, second.key, hashApiKey(first.key), hashApiKey(second.key)]) {
      expect(text).not.toContain(secret);
    }
  });

  it('answers not found for a tenant that does not exist', async () => {
    await expect(listApiKeys(new MemoryTenantStore(), 'nobody')).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('revokeApiKey', () => {
  it('makes the revoked key unknown at once and leaves the other keys working', async () => {
    const store = new MemoryTenantStore();
    const first = await grantApiKey(store, { id: 'acme', name: 'Acme' }, FROZEN_NOW);
    const second = await grantApiKey(store, { id: 'acme', name: 'Acme' }, LATER);

    await revokeApiKey(store, 'acme', first.id);

    expect(await store.tenantForKey(hashApiKey(first.key))).toBeNull();
    expect(await store.tenantForKey(hashApiKey(second.key))).toEqual({ id: 'acme', name: 'Acme' });
    expect((await listApiKeys(store, 'acme')).map((key) => key.id)).toEqual([second.id]);
  });

  it("answers not found for an unknown key id or another tenant's key, and revokes nothing", async () => {
    const store = new MemoryTenantStore();
    const mine = await grantApiKey(store, { id: 'acme', name: 'Acme' }, FROZEN_NOW);
    const theirs = await grantApiKey(store, { id: 'other', name: 'Other' }, FROZEN_NOW);

    await expect(revokeApiKey(store, 'acme', 'key_unknown')).rejects.toBeInstanceOf(NotFoundError);
    await expect(revokeApiKey(store, 'acme', theirs.id)).rejects.toBeInstanceOf(NotFoundError);

    expect(await store.tenantForKey(hashApiKey(mine.key))).not.toBeNull();
    expect(await store.tenantForKey(hashApiKey(theirs.key))).not.toBeNull();
  });
});
