import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoFieldStore } from '../../../functions/adapters/dynamo-field.store.js';
import { tables } from '../../../functions/resources.js';
import { itUnlessMoto } from '../../helpers/endpoint.js';
import { call, createTenantKey, freshWorkspace } from '../../helpers/http-client.js';
import { readState } from '../../helpers/runtime-state.js';

type Body = Record<string, unknown>;
type FieldBody = { id: number; key: string; label: string; type: string; options: string[] | null };
type Problem = { pointer: string; message: string };

const fieldsPath = (workspace: string) => `/v1/workspaces/${workspace}/fields`;
const createField = (workspace: string, body: unknown, key?: string | null) =>
  call<FieldBody & Body>('POST', fieldsPath(workspace), { body, key });
const listFields = (workspace: string, key?: string | null) =>
  call<{ fields: FieldBody[] }>('GET', fieldsPath(workspace), { key });

/** A field store on the runtime's table, as the handlers build it. */
const directStore = () => {
  const { env } = readState();
  const client = new DynamoDBClient({
    region: env.AWS_REGION,
    endpoint: env.AWS_ENDPOINT_URL_DYNAMODB ?? env.AWS_ENDPOINT_URL,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return new DynamoFieldStore(
    DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }),
    env[tables.jobs.env] ?? '',
  );
};

describe('Fields API', () => {
  it('creates a field of each type and answers with it', async () => {
    const workspace = freshWorkspace('fields');

    const replies = await Promise.all([
      createField(workspace, { key: 'active', type: 'boolean' }),
      createField(workspace, { key: 'age', label: 'Age in years', type: 'number' }),
      createField(workspace, { key: 'dob', type: 'date' }),
      createField(workspace, { key: 'notes', type: 'string' }),
      createField(workspace, { key: 'colour', type: 'select', options: ['Red', 'Green'] }),
    ]);

    expect(replies.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
    expect(replies[1]?.body).toEqual({
      id: expect.any(Number),
      object: 'field',
      workspace,
      key: 'age',
      label: 'Age in years',
      type: 'number',
      options: null,
      created_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
    });
    expect(replies[0]?.body).toMatchObject({
      key: 'active',
      label: 'active',
      type: 'boolean',
      options: null,
    });
    expect(replies[4]?.body).toMatchObject({ type: 'select', options: ['Red', 'Green'] });
    expect(new Set(replies.map((r) => r.body.id)).size).toBe(5);
  });

  it('lists the fields of a workspace by id, not by key', async () => {
    const workspace = freshWorkspace('fields-list');
    const made: number[] = [];
    for (const key of ['zeta', 'alpha', 'mid']) {
      made.push((await createField(workspace, { key, type: 'string' })).body.id);
    }

    const listed = await listFields(workspace);
    const empty = await listFields(freshWorkspace('fields-none'));

    expect(listed.status).toBe(200);
    expect(listed.body.fields.map((f) => [f.id, f.key])).toEqual([
      [made[0], 'zeta'],
      [made[1], 'alpha'],
      [made[2], 'mid'],
    ]);
    expect(empty.body).toEqual({ fields: [] });
  });

  it('answers 409 field_exists for a key the workspace already has, and keeps the first field', async () => {
    const workspace = freshWorkspace('fields-dup');
    const first = await createField(workspace, { key: 'age', type: 'number' });

    const again = await createField(workspace, { key: 'age', type: 'string' });

    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({
      error: { code: 'field_exists', message: expect.stringContaining("'age'") },
    });
    expect((await listFields(workspace)).body.fields).toEqual([first.body]);
  });

  it('creates one field when ten requests race for the same key', async () => {
    const workspace = freshWorkspace('fields-race-http');

    const replies = await Promise.all(
      Array.from({ length: 10 }, () => createField(workspace, { key: 'score', type: 'number' })),
    );

    expect(replies.map((r) => r.status).sort()).toEqual([201, ...Array(9).fill(409)]);
    expect((await listFields(workspace)).body.fields).toHaveLength(1);
  });
});

describe('Fields API bad input', () => {
  const pointers = (reply: { body: Body }) =>
    ((reply.body.error as Body).details as Problem[]).map((d) => d.pointer).sort();

  it.each([
    ['a missing type', { key: 'k' }, ['/type']],
    ['an unknown type', { key: 'k', type: 'integer' }, ['/type']],
    ['a select field without options', { key: 'k', type: 'select' }, ['/options']],
    ['options on a number field', { key: 'k', type: 'number', options: ['1'] }, ['/options']],
    ['an empty options list', { key: 'k', type: 'select', options: [] }, ['/options']],
    ['options repeated', { key: 'k', type: 'select', options: ['a', 'a'] }, ['/options']],
    ['options repeated ignoring case', { key: 'k', type: 'select', options: ['a', 'A'] }, ['/options/1']],
    ['an empty key', { key: '', type: 'string' }, ['/key']],
    ['a whitespace key', { key: '   ', type: 'string' }, ['/key']],
    ['a key of 129 characters', { key: 'k'.repeat(129), type: 'string' }, ['/key']],
    ['the key constructor', { key: 'constructor', type: 'string' }, ['/key']],
    ['a missing key and an unknown property', { type: 'string', colour: 'red' }, ['/colour', '/key']],
    ['an empty label', { key: 'k', label: '', type: 'string' }, ['/label']],
  ])('answers 422 with the pointer for %s', async (_what, body, expected) => {
    const reply = await createField(freshWorkspace('fields-bad'), body);

    expect(reply.status).toBe(422);
    expect(reply.body).toMatchObject({ error: { code: 'validation_failed' } });
    expect(pointers(reply)).toEqual(expected);
  });

  it('answers 422 for the key __proto__, which JSON.stringify cannot send as a plain property', async () => {
    const reply = await call('POST', fieldsPath(freshWorkspace('fields-bad')), {
      rawBody: '{"key":"__proto__","type":"string"}',
      headers: { 'content-type': 'application/json' },
    });

    expect(reply.status).toBe(422);
    expect(pointers(reply)).toEqual(['/key']);
  });

  it('answers 422 for a workspace name outside the pattern, and 400 for a body that is not JSON', async () => {
    const badWorkspace = await listFields('-bad');
    const badWorkspaceCreate = await createField('-bad', { key: 'k', type: 'string' });
    const broken = await call('POST', fieldsPath(freshWorkspace('fields-bad')), {
      rawBody: '{"key": ',
      headers: { 'content-type': 'application/json' },
    });

    expect(badWorkspace.status).toBe(422);
    expect(pointers(badWorkspace)).toEqual(['/workspace']);
    expect(badWorkspaceCreate.status).toBe(422);
    expect(pointers(badWorkspaceCreate)).toEqual(['/workspace']);
    expect(broken.status).toBe(400);
    expect(broken.body).toMatchObject({ error: { code: 'invalid_json' } });
  });

  it('answers 401 without an API key', async () => {
    const workspace = freshWorkspace('fields-auth');

    expect((await listFields(workspace, null)).status).toBe(401);
    const post = await createField(workspace, { key: 'k', type: 'string' }, null);
    expect(post.status).toBe(401);
    expect(post.body).toMatchObject({ error: { code: 'unauthorized' } });
  });
});

describe('Fields and tenants', () => {
  it("hides one tenant's fields from another, which can make the same key independently", async () => {
    const otherKey = await createTenantKey(`fields-${Date.now().toString(36)}`);
    const workspace = freshWorkspace('fields-tenant');
    await createField(workspace, { key: 'first', type: 'string' });
    const mine = await createField(workspace, { key: 'shared', type: 'number' });

    const theirList = await listFields(workspace, otherKey);
    const theirs = await createField(workspace, { key: 'shared', type: 'select', options: ['x'] }, otherKey);

    expect(theirList.body).toEqual({ fields: [] });
    expect(theirs.status).toBe(201);
    // Ids count per tenant: the new tenant's first field is 1; ours was our second at least.
    expect(theirs.body).toMatchObject({ id: 1, key: 'shared', type: 'select' });
    expect(mine.body.id).not.toBe(theirs.body.id);
    expect((await listFields(workspace, otherKey)).body.fields).toEqual([theirs.body]);
    expect((await listFields(workspace)).body.fields.map((f) => [f.key, f.type])).toEqual([
      ['first', 'string'],
      ['shared', 'number'],
    ]);
  });
});

describe('DynamoFieldStore', () => {
  const tenant = `store-${Date.now().toString(36)}`;

  itUnlessMoto(
    "moto does not isolate concurrent transactions: two of ten racing TransactWriteItems conditioned on the same key both succeeded (AWS's are serializable)",
  )('gives every one of ten concurrent ensure() calls the same single field', async () => {
    const workspace = freshWorkspace('fields-race');
    const workers = Array.from({ length: 10 }, directStore);

    const results = await Promise.all(
      workers.map((store, i) =>
        store.ensure(tenant, workspace, [{ key: 'Favourite colour', label: `worker ${i}`, type: 'string' }]),
      ),
    );

    const ids = new Set(results.map(([field]) => field?.id));
    expect(ids.size).toBe(1);
    const listed = await directStore().list(tenant, workspace);
    expect(listed).toHaveLength(1);
    expect(results.every(([field]) => JSON.stringify(field) === JSON.stringify(listed[0]))).toBe(true);
  });

  it('returns existing fields, creates missing ones, in the order asked, and finds them by id', async () => {
    const store = directStore();
    const workspace = freshWorkspace('fields-ensure');
    const existing = await store.create(tenant, workspace, { key: 'b', type: 'select', options: ['x', 'y'] });

    const ensured = await store.ensure(tenant, workspace, [
      { key: 'a', type: 'number' },
      { key: 'b', type: 'string' },
      { key: 'a', type: 'boolean' },
    ]);

    expect(ensured.map((f) => [f.key, f.type])).toEqual([
      ['a', 'number'],
      ['b', 'select'],
      ['a', 'number'],
    ]);
    expect(ensured[1]).toEqual(existing);
    expect(await store.getById(tenant, workspace, existing.id)).toEqual(existing);
    expect(await store.getById(tenant, freshWorkspace('elsewhere'), existing.id)).toBeNull();
    expect(await store.get(tenant, workspace, 'missing')).toBeNull();
    expect((await store.list(tenant, workspace)).map((f) => f.key)).toEqual(['b', 'a']);
  });
});
