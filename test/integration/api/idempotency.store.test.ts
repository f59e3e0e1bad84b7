import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoIdempotencyStore } from '../../../functions/adapters/dynamo-idempotency.store.js';
import type { IdempotencyClaim, StoredResponse } from '../../../functions/core/ports.js';
import { tables } from '../../../functions/resources.js';
import { readState, runtimeDynamo } from '../../helpers/runtime-state.js';

/** DynamoIdempotencyStore against DynamoDB Local: claims, take-over of an abandoned claim, expiry. */

const NOW = Date.now();
const ANSWER: StoredResponse = {
  statusCode: 201,
  headers: { 'content-type': 'application/json; charset=utf-8', location: '/v1/imports/imp_1' },
  body: JSON.stringify({ id: 'imp_1', name: 'Zoë'.repeat(200) }),
  isBase64Encoded: false,
};
let store: DynamoIdempotencyStore;
let unique = 0;

beforeAll(() => {
  store = new DynamoIdempotencyStore(
    DynamoDBDocumentClient.from(runtimeDynamo()),
    readState().env[tables.jobs.env] ?? '',
  );
});

const claimOf = (overrides: Partial<IdempotencyClaim> = {}): IdempotencyClaim => ({
  tenantId: 'store-test',
  keyHash: `hash-${NOW}-${unique++}`,
  requestHash: 'request-a',
  token: `token-${unique++}`,
  now: NOW,
  lockedUntil: NOW + 30_000,
  expiresAt: NOW + 24 * 3600 * 1000,
  ...overrides,
});

describe('DynamoIdempotencyStore', () => {
  it('lets one claim hold a key, shows it in progress to others, then keeps its answer', async () => {
    const first = claimOf();

    expect(await store.claim(first)).toBeNull();
    expect(await store.claim({ ...first, token: 'other', requestHash: 'request-b' })).toEqual({
      status: 'in_progress',
      requestHash: 'request-a',
      lockedUntil: first.lockedUntil,
    });
    await store.complete(first, ANSWER);

    expect(await store.claim({ ...first, token: 'again' })).toEqual({
      status: 'completed',
      requestHash: 'request-a',
      response: ANSWER,
    });
  });

  it('keeps keys per tenant', async () => {
    const mine = claimOf();

    expect(await store.claim(mine)).toBeNull();
    expect(await store.claim({ ...mine, tenantId: 'store-test-other', token: 'theirs' })).toBeNull();
  });

  it('lets a request take over a claim abandoned past its lock, and ignores the old claim afterwards', async () => {
    const abandoned = claimOf();
    await store.claim(abandoned);
    const later = {
      ...abandoned,
      token: 'successor',
      now: abandoned.lockedUntil + 1,
      lockedUntil: abandoned.lockedUntil + 30_000,
    };

    expect(await store.claim(later)).toBeNull();
    await store.release(abandoned);
    await expect(store.complete(abandoned, ANSWER)).rejects.toThrow();

    expect(await store.claim({ ...later, token: 'third' })).toMatchObject({ status: 'in_progress' });
  });

  it('frees a released key, and a key past its expiry', async () => {
    const released = claimOf();
    await store.claim(released);
    await store.release(released);
    expect(await store.claim({ ...released, token: 'after-release' })).toBeNull();

    const expired = claimOf();
    await store.claim(expired);
    await store.complete(expired, ANSWER);
    expect(await store.claim({ ...expired, token: 'next-day', now: expired.expiresAt + 1000 })).toBeNull();
  });
});
