import type { Logger } from '@aws-lambda-powertools/logger';
import middy from '@middy/core';
import { type HttpEvent, type HttpResult, json, type TenantContext } from '../../../functions/api/http.js';
import { IDEMPOTENCY_WINDOW_MS, idempotency } from '../../../functions/api/idempotency.js';
import { authenticate, errorResponses } from '../../../functions/api/middleware.js';
import { ValidationError } from '../../../functions/core/errors.js';
import { grantApiKey } from '../../../functions/core/tenants.js';
import { FROZEN_NOW } from '../../helpers/in-memory/fixed-clock.js';
import { MemoryIdempotencyStore } from '../../helpers/in-memory/memory-idempotency.store.js';
import { MemoryTenantStore } from '../../helpers/in-memory/memory-tenant.store.js';

const silent = { error: () => {}, warn: () => {} } as unknown as Logger;

/** The API's middleware chain, as router.handler.ts stacks it, around a route that creates things. */
async function setup() {
  const tenants = new MemoryTenantStore();
  const acme = await grantApiKey(tenants, { id: 'acme', name: 'Acme' }, FROZEN_NOW);
  const other = await grantApiKey(tenants, { id: 'other', name: 'Other' }, FROZEN_NOW);
  const store = new MemoryIdempotencyStore();
  const clock = { now: Date.parse(FROZEN_NOW) };
  const created: string[] = [];
  /** When set, the next request the route runs waits until `finish` is called. */
  let holdNext = false;
  let release: (() => void) | null = null;

  const route = async (event: HttpEvent, context: TenantContext): Promise<HttpResult> => {
    const body = JSON.parse(event.body ?? '{}') as { fail?: 'invalid' | 'crash' };
    if (holdNext) {
      holdNext = false;
      await new Promise<void>((resolve) => {
        release = resolve;
      });
    }
    if (body.fail === 'invalid')
      throw new ValidationError('name is required', [{ pointer: '/name', message: 'is required' }]);
    if (body.fail === 'crash') throw new Error('database unavailable');
    const id = `imp_${created.length + 1}`;
    created.push(`${context.tenant.id}:${id}`);
    return json(201, { id }, { location: `/v1/imports/${id}` });
  };
  const errors = errorResponses(silent);
  const handler = middy<HttpEvent, HttpResult, Error, TenantContext>()
    .use(errors)
    .use(authenticate(tenants))
    .use(idempotency(store, { errors, now: () => clock.now }))
    .handler(route);

  const send = (
    body: unknown,
    options: { key?: string | null; apiKey?: string; method?: string; path?: string } = {},
  ): Promise<HttpResult> => {
    const headers: Record<string, string> = { 'x-api-key': options.apiKey ?? acme.key };
    if (options.key !== null) headers['Idempotency-Key'] = options.key ?? 'order-1';
    const method = options.method ?? 'POST';
    const event = {
      rawPath: options.path ?? '/v1/imports',
      rawQueryString: '',
      headers,
      body: JSON.stringify(body),
      isBase64Encoded: false,
      requestContext: { http: { method } },
    } as unknown as HttpEvent;
    return handler(event, { awsRequestId: 'req-1' } as TenantContext);
  };
  return {
    send,
    store,
    clock,
    created,
    other,
    holdNext: () => {
      holdNext = true;
    },
    finish: () => release?.(),
  };
}

const bodyOf = (result: HttpResult) =>
  JSON.parse(result.body ?? '') as { id?: string; error: { code: string } };

describe('idempotency middleware', () => {
  it('replays the first answer for the same key and body, without running the route again', async () => {
    const { send, created } = await setup();

    const first = await send({ workspace: 'w' });
    const second = await send({ workspace: 'w' });

    expect(first.statusCode).toBe(201);
    expect(second).toMatchObject({
      statusCode: first.statusCode,
      body: first.body,
      headers: { ...first.headers, 'idempotent-replayed': 'true' },
    });
    expect(first.headers).not.toHaveProperty('idempotent-replayed');
    expect(created).toEqual(['acme:imp_1']);
  });

  it('answers 422 idempotency_key_reused for the same key with another body or path, running nothing', async () => {
    const { send, created } = await setup();
    await send({ workspace: 'w' });

    const otherBody = await send({ workspace: 'x' });
    const otherPath = await send({ workspace: 'w' }, { path: '/v1/workspaces/w/fields' });

    for (const answer of [otherBody, otherPath]) {
      expect(answer.statusCode).toBe(422);
      expect(bodyOf(answer).error.code).toBe('idempotency_key_reused');
    }
    expect(created).toEqual(['acme:imp_1']);
  });

  it('answers 409 idempotency_key_in_flight while the first request with the key still runs', async () => {
    const { send, created, holdNext, finish } = await setup();
    holdNext();

    const first = send({ workspace: 'w' });
    await new Promise((resolve) => setImmediate(resolve));
    const duplicate = await send({ workspace: 'w' });
    finish();

    expect(duplicate.statusCode).toBe(409);
    expect(bodyOf(duplicate).error.code).toBe('idempotency_key_in_flight');
    expect((await first).statusCode).toBe(201);
    expect(created).toEqual(['acme:imp_1']);
  });

  it("keeps each tenant's keys apart: another tenant's same key runs its own request", async () => {
    const { send, created, other } = await setup();

    const mine = await send({ workspace: 'w' });
    const theirs = await send({ workspace: 'w' }, { apiKey: other.key });

    expect(theirs.statusCode).toBe(201);
    expect(theirs.headers).not.toHaveProperty('idempotent-replayed');
    expect(bodyOf(theirs).id).not.toBe(bodyOf(mine).id);
    expect(created).toEqual(['acme:imp_1', 'other:imp_2']);
  });

  it('releases the key after a 5xx, so a retry with it runs the request', async () => {
    const { send, created, store } = await setup();

    const failed = await send({ fail: 'crash' }, { key: 'k' });
    expect(failed.statusCode).toBe(500);
    expect(store.records.size).toBe(0);

    const retried = await send({ workspace: 'w' }, { key: 'k' });
    expect(retried.statusCode).toBe(201);
    expect(created).toEqual(['acme:imp_1']);
  });

  it("keeps a 4xx answer, in the surface's error format, and replays it", async () => {
    const { send } = await setup();

    const first = await send({ fail: 'invalid' });
    const again = await send({ fail: 'invalid' });

    expect(first.statusCode).toBe(422);
    expect(bodyOf(first).error.code).toBe('validation_failed');
    expect(again.statusCode).toBe(422);
    expect(again.body).toBe(first.body);
    expect(again.headers).toMatchObject({ 'idempotent-replayed': 'true' });
  });

  it('forgets the key after 24 hours', async () => {
    const { send, created, clock } = await setup();
    await send({ workspace: 'w' });

    clock.now += IDEMPOTENCY_WINDOW_MS + 1000;
    const later = await send({ workspace: 'w' });

    expect(later.headers).not.toHaveProperty('idempotent-replayed');
    expect(created).toEqual(['acme:imp_1', 'acme:imp_2']);
  });

  it('leaves requests without the header, and requests other than POST, untouched', async () => {
    const { send, created, store } = await setup();

    await send({ workspace: 'w' }, { key: null });
    await send({ workspace: 'w' }, { key: null });
    await send({ workspace: 'w' }, { method: 'PUT' });
    await send({ workspace: 'w' }, { method: 'PUT' });

    expect(created).toHaveLength(4);
    expect(store.records.size).toBe(0);
  });

  it('refuses a key that is empty, longer than 255 characters or not printable ASCII, running nothing', async () => {
    const { send, created } = await setup();

    for (const key of ['', 'x'.repeat(256), 'caf\u00e9', 'tab\there']) {
      const answer = await send({ workspace: 'w' }, { key });
      expect({ key, status: answer.statusCode, code: bodyOf(answer).error.code }).toEqual({
        key,
        status: 422,
        code: 'invalid_idempotency_key',
      });
    }
    expect((await send({ workspace: 'w' }, { key: 'x'.repeat(255) })).statusCode).toBe(201);
    expect(created).toHaveLength(1);
  });

  it('checks the API key before the Idempotency-Key', async () => {
    const { send, store } = await setup();

    const answer = await send({ workspace: 'w' }, { apiKey: 'ik_unknown' });

    expect(answer.statusCode).toBe(401);
    expect(store.records.size).toBe(0);
  });
});
