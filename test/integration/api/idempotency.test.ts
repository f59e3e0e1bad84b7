import { createHash } from 'node:crypto';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoImportStore } from '../../../functions/adapters/dynamo-import.store.js';
import { keys } from '../../../functions/adapters/keys.js';
import { tables } from '../../../functions/resources.js';
import { call, createTenantKey, freshWorkspace } from '../../helpers/http-client.js';
import { readState, runtimeDynamo } from '../../helpers/runtime-state.js';

/** Idempotency-Key through HTTP, against the local runtime: replay, mismatch, per tenant, in flight. */

const suffix = Date.now().toString(36);
const tenants = { mine: `idem-${suffix}`, theirs: `idem-other-${suffix}` };
let mine: string;
let theirs: string;
let documents: DynamoDBDocumentClient;

beforeAll(async () => {
  [mine, theirs] = await Promise.all([createTenantKey(tenants.mine), createTenantKey(tenants.theirs)]);
  documents = DynamoDBDocumentClient.from(runtimeDynamo());
});

const jobsTable = () => readState().env[tables.jobs.env] ?? '';

/** The imports a tenant has in a workspace, read from the table: what a duplicate would add to. */
const importsIn = async (tenantId: string, workspace: string) =>
  (await new DynamoImportStore(documents, jobsTable()).listByWorkspace(tenantId, workspace, 100)).items;

const createImport = (apiKey: string, idempotencyKey: string, workspace: string, records: object[]) =>
  call('POST', '/v1/imports', {
    key: apiKey,
    body: { workspace, format: 'json', records },
    headers: { 'Idempotency-Key': idempotencyKey },
  });

describe('Idempotency-Key on POST /v1/imports', () => {
  it('creates one import for two requests with one key and replays the first answer', async () => {
    const workspace = freshWorkspace('idem-replay');
    const key = `replay-${suffix}`;
    const records = [{ external_id: 'r-1', first_name: 'Ada' }];

    const first = await createImport(mine, key, workspace, records);
    const second = await createImport(mine, key, workspace, records);

    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(second.status).toBe(201);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.text).toBe(first.text);
    expect(second.headers.get('location')).toBe(`/v1/imports/${first.body.id}`);
    expect((await importsIn(tenants.mine, workspace)).map((item) => item.id)).toEqual([first.body.id]);
  });

  it('keeps the record 24 hours, by the jobs table TTL attribute', async () => {
    const workspace = freshWorkspace('idem-ttl');
    const key = `ttl-${suffix}`;
    const before = Math.floor(Date.now() / 1000);

    await createImport(mine, key, workspace, [{ external_id: 't-1' }]);

    const hash = createHash('sha256').update(key).digest('hex');
    const out = await documents.send(
      new GetCommand({ TableName: jobsTable(), Key: keys.idempotency(tenants.mine, hash) }),
    );
    expect(out.Item?.status).toBe('completed');
    const expiry = out.Item?.[tables.jobs.ttlAttribute] as number;
    expect(expiry).toBeGreaterThanOrEqual(before + 24 * 3600);
    expect(expiry).toBeLessThan(before + 24 * 3600 + 120);
  });

  it('answers 422 idempotency_key_reused for the same key with another body, and creates nothing', async () => {
    const workspace = freshWorkspace('idem-mismatch');
    const key = `mismatch-${suffix}`;
    const first = await createImport(mine, key, workspace, [{ external_id: 'm-1' }]);

    const other = await createImport(mine, key, workspace, [{ external_id: 'm-2' }]);

    expect(other.status).toBe(422);
    expect(other.body).toMatchObject({ error: { code: 'idempotency_key_reused' } });
    expect((await importsIn(tenants.mine, workspace)).map((item) => item.id)).toEqual([first.body.id]);
  });

  it("keeps keys per tenant: another tenant's request with the same key creates its own import", async () => {
    const workspace = freshWorkspace('idem-tenants');
    const key = `shared-${suffix}`;
    const records = [{ external_id: 's-1' }];

    const ours = await createImport(mine, key, workspace, records);
    const theirsReply = await createImport(theirs, key, workspace, records);

    expect(theirsReply.status).toBe(201);
    expect(theirsReply.headers.get('idempotent-replayed')).toBeNull();
    expect(theirsReply.body.id).not.toBe(ours.body.id);
    expect((await importsIn(tenants.mine, workspace)).map((item) => item.id)).toEqual([ours.body.id]);
    expect((await importsIn(tenants.theirs, workspace)).map((item) => item.id)).toEqual([
      theirsReply.body.id,
    ]);
  });

  it('runs one of two concurrent requests with one key: the other answers 409 or replays it', async () => {
    const workspace = freshWorkspace('idem-concurrent');
    const key = `concurrent-${suffix}`;
    const records = Array.from({ length: 50 }, (_, i) => ({ external_id: `c-${i}` }));

    const replies = await Promise.all([
      createImport(mine, key, workspace, records),
      createImport(mine, key, workspace, records),
    ]);

    const created = replies.filter((r) => r.status === 201 && r.headers.get('idempotent-replayed') === null);
    const others = replies.filter((r) => !created.includes(r));
    expect(created).toHaveLength(1);
    for (const other of others) {
      if (other.status === 409)
        expect(other.body).toMatchObject({ error: { code: 'idempotency_key_in_flight' } });
      else
        expect({ status: other.status, id: other.body.id }).toEqual({ status: 201, id: created[0]?.body.id });
    }
    expect((await importsIn(tenants.mine, workspace)).map((item) => item.id)).toEqual([created[0]?.body.id]);
  });

  it('refuses a key longer than 255 characters with a clear message, creating nothing', async () => {
    const workspace = freshWorkspace('idem-long');

    const reply = await createImport(mine, 'k'.repeat(256), workspace, [{ external_id: 'l-1' }]);

    expect(reply.status).toBe(422);
    expect(reply.body).toMatchObject({
      error: { code: 'invalid_idempotency_key', message: expect.stringContaining('1 to 255') },
    });
    expect(await importsIn(tenants.mine, workspace)).toEqual([]);
  });
});

describe('Idempotency-Key on a compatible surface', () => {
  it("replays RedJade's POST /v1/participant_imports and refuses another body in RedJade's error format", async () => {
    const key = `redjade-${suffix}`;
    const body = { event_id: 9001, participants: [{ external_id: 'rj-1', email: 'rj1@example.com' }] };
    const post = (payload: object) =>
      call('POST', '/v1/participant_imports', {
        key: mine,
        body: payload,
        headers: { 'Idempotency-Key': key },
      });

    const first = await post(body);
    const again = await post(body);
    const other = await post({ ...body, event_id: 9002 });

    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.participant_import_id).toBe(first.body.participant_import_id);
    expect(other.status).toBe(422);
    expect(other.body).toEqual({ errors: expect.any(Object) });
    expect(JSON.stringify(other.body)).toContain('Idempotency-Key was already used');
  });
});
