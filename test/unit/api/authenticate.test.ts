import middy from '@middy/core';
import { type HttpEvent, type HttpResult, json, type TenantContext } from '../../../functions/api/http.js';
import { authenticate } from '../../../functions/api/middleware.js';
import { AuthenticationError } from '../../../functions/core/errors.js';
import { grantApiKey, revokeApiKey } from '../../../functions/core/tenants.js';
import { FROZEN_NOW } from '../../helpers/in-memory/fixed-clock.js';
import { MemoryTenantStore } from '../../helpers/in-memory/memory-tenant.store.js';

const event = (apiKey: string) =>
  ({
    rawPath: '/v1/imports/imp_1',
    headers: { 'x-api-key': apiKey },
    requestContext: { http: { method: 'GET' } },
  }) as unknown as HttpEvent;

describe('authenticate', () => {
  it('refuses a key from the request right after its revocation, with no cached tenant answering for it', async () => {
    const tenants = new MemoryTenantStore();
    const first = await grantApiKey(tenants, { id: 'acme', name: 'Acme' }, FROZEN_NOW);
    const second = await grantApiKey(tenants, { id: 'acme', name: 'Acme' }, FROZEN_NOW);
    const handler = middy<HttpEvent, HttpResult, Error, TenantContext>()
      .use(authenticate(tenants))
      .handler(async (_event, context) => json(200, { tenant: context.tenant.id }));
    const context = () => ({ awsRequestId: 'r' }) as TenantContext;

    expect((await handler(event(first.key), context())).statusCode).toBe(200);
    await revokeApiKey(tenants, 'acme', first.id);

    await expect(handler(event(first.key), context())).rejects.toBeInstanceOf(AuthenticationError);
    expect((await handler(event(second.key), context())).body).toBe('{"tenant":"acme"}');
  });
});
