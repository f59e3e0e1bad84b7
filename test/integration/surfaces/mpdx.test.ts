import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { call, createTenantKey, freshWorkspace } from '../../helpers/http-client.js';

/**
 * MPDX's bulk people endpoints through HTTP. The documented requests and responses are in
 * test/fixtures/mpdx, copied verbatim from the reference document.
 */

type Doc = Record<string, unknown>;
type JsonApiError = { status: string; code: string; title: string; detail: string; source?: Doc };
type Item = { data?: Doc & { id: string; attributes: Doc }; id?: string; errors?: JsonApiError[] };

const BULK = '/api/v2/contacts/people/bulk';
const VND = 'application/vnd.api+json';
const VND_UTF8 = 'application/vnd.api+json; charset=utf-8';
const SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const TIMES = ['created_at', 'updated_at', 'updated_in_db_at'];

const fixture = (name: string): Doc | Doc[] =>
  JSON.parse(readFileSync(`test/fixtures/mpdx/${name}.json`, 'utf8')) as Doc | Doc[];

const bulk = (method: 'POST' | 'PUT' | 'DELETE', body: unknown, key?: string) =>
  call<Item[] & { errors?: JsonApiError[] }>(method, BULK, { key, body, headers: { 'content-type': VND } });

const createContact = async (workspace: string, key?: string, id?: string): Promise<string> => {
  const reply = await call('POST', '/v1/contacts', {
    key,
    body: { workspace, name: 'The household', ...(id ? { id } : {}) },
  });
  if (reply.status !== 201) throw new Error(`POST /v1/contacts answered ${reply.status}: ${reply.text}`);
  return reply.body.id as string;
};

/** A bulk item, as clients send it. */
const item = (id: string, attributes: Doc = {}, relationships?: Doc, type = 'people') => ({
  data: { type, id, attributes, ...(relationships ? { relationships } : {}) },
});
const withContact = (contactId: string) => ({ contacts: { data: [{ type: 'contacts', id: contactId }] } });

/** Creates people (first name, last name) under one contact and returns them as answered. */
const createPeople = async (contactId: string, names: [string, string][], key?: string) => {
  const reply = await bulk(
    'POST',
    {
      data: names.map(([first_name, last_name]) =>
        item(randomUUID(), { first_name, last_name }, withContact(contactId)),
      ),
    },
    key,
  );
  if (reply.status !== 200) throw new Error(`POST ${BULK} answered ${reply.status}: ${reply.text}`);
  return reply.body.map((answer) => {
    if (!answer.data) throw new Error(`An item failed: ${JSON.stringify(answer)}`);
    return answer.data;
  });
};

/** The documented response with its times replaced by "a time in the documented format". */
const asDocumented = (documented: Doc[]) =>
  documented.map((entry) => {
    const data = entry.data as Doc & { attributes: Doc };
    const attributes = { ...data.attributes };
    for (const key of TIMES) attributes[key] = expect.stringMatching(SECONDS);
    return { data: { ...data, attributes } };
  });

/** The type of every value, keys included: what a client's parser relies on. */
const shapeOf = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.length === 0 ? [] : [shapeOf(value[0])];
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, shapeOf(v)]));
  return value === null ? 'null' : typeof value;
};

const expectErrorDocument = (reply: { status: number; headers: Headers; body: unknown }, status: number) => {
  expect(reply.status).toBe(status);
  expect(reply.headers.get('content-type')).toBe(VND_UTF8);
  const { errors } = reply.body as { errors: JsonApiError[] };
  expect(errors.length).toBeGreaterThan(0);
  for (const error of errors) {
    expect(error).toMatchObject({
      status: String(status),
      code: expect.any(String),
      title: expect.any(String),
      detail: expect.any(String),
    });
  }
  return errors;
};

describe('MPDX people bulk: the documented examples', () => {
  let key: string;
  beforeAll(async () => {
    // A tenant of its own, so the documented ids are free.
    key = await createTenantKey(`mpdx-doc-${Date.now().toString(36)}`);
  });

  it('answers the documented POST with the documented response, once its contact exists', async () => {
    await createContact('doc-list', key, 'fa94fcca-099d-4b1d-9540-96469f34213d');

    const reply = await bulk('POST', fixture('post-request'), key);

    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toBe(VND_UTF8);
    expect(reply.body).toEqual(asDocumented(fixture('post-response') as Doc[]));
    expect(shapeOf(reply.body)).toEqual(shapeOf(fixture('post-response')));
    const person = await call('GET', '/v1/people/93ea940a-f9c1-4a9e-bc15-b7563942213e', { key });
    expect(person.body).toMatchObject({
      workspace: 'doc-list',
      first_name: 'Hans',
      last_name: 'Jerde',
      contacts: ['fa94fcca-099d-4b1d-9540-96469f34213d'],
    });
  });

  it('answers the documented PUT with the documented response when updated_in_db_at is current', async () => {
    const contactId = await createContact('doc-list', key, '77d64952-0cd6-4cdf-89a8-990e549cc0fc');
    const created = await bulk(
      'POST',
      {
        data: [
          item(
            '8f4ef842-e45d-42e7-80c7-a8af6cf24cb6',
            { first_name: 'Mary', last_name: 'B' },
            withContact(contactId),
          ),
        ],
      },
      key,
    );
    const current = created.body[0]?.data?.attributes.updated_in_db_at as string;
    const request = fixture('put-request') as { data: { data: { attributes: Doc } }[] };

    // The document's request carries a 2022 time: against a person created now, it is stale.
    const stale = await bulk('PUT', request, key);
    const first = request.data[0];
    // The same request with the time the client read, in the document's "2022-01-12 17:18:13 UTC" form.
    if (first) first.data.attributes.updated_in_db_at = current.replace('T', ' ').replace('Z', ' UTC');
    const reply = await bulk('PUT', request, key);

    expect(stale.status).toBe(200);
    expect(stale.body).toEqual([
      {
        id: '8f4ef842-e45d-42e7-80c7-a8af6cf24cb6',
        errors: [
          {
            status: '409',
            code: 'conflict',
            title: 'Conflict',
            detail: `is not equal to the current value in the database (${current})`,
            source: { pointer: '/data/attributes/updated_in_db_at' },
          },
        ],
      },
    ]);
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toBe(VND_UTF8);
    expect(reply.body).toEqual(asDocumented(fixture('put-response') as Doc[]));
    expect(shapeOf(reply.body)).toEqual(shapeOf(fixture('put-response')));
  });

  it('answers the documented DELETE with the deleted people, as they were', async () => {
    const contactId = await createContact('doc-list', key, 'f9342a6a-f55c-42c5-8ce6-d12e5f8afdb2');
    const created = await bulk(
      'POST',
      {
        data: [
          item(
            '9de08d12-f053-4f07-8c06-c8701d1bdaa8',
            { first_name: 'Frank', last_name: 'Schowalter' },
            withContact(contactId),
          ),
          item(
            '07923bb1-a488-46f6-ab42-68073857acde',
            { first_name: 'Moriah', last_name: 'Fay' },
            withContact(contactId),
          ),
        ],
      },
      key,
    );
    expect(created.body.map((answer) => answer.data?.id)).toEqual([
      '9de08d12-f053-4f07-8c06-c8701d1bdaa8',
      '07923bb1-a488-46f6-ab42-68073857acde',
    ]);

    const reply = await bulk('DELETE', fixture('delete-request'), key);

    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toBe(VND_UTF8);
    expect(reply.body).toEqual(asDocumented(fixture('delete-response') as Doc[]));
    expect(reply.body).toEqual(created.body);
    expect(shapeOf(reply.body)).toEqual(shapeOf(fixture('delete-response')));
    const gone = await call('GET', '/v1/people/9de08d12-f053-4f07-8c06-c8701d1bdaa8', { key });
    expect(gone.status).toBe(404);
  });
});

describe('MPDX people bulk: items that fail alone', () => {
  it('creates the valid items of a POST and answers each other item with its own JSON:API errors', async () => {
    const workspace = freshWorkspace('mpdx-post');
    const contactId = await createContact(workspace);
    const [existing] = await createPeople(contactId, [['Ada', 'Existing']]);
    const ids = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const unknownContact = randomUUID();

    const reply = await bulk('POST', {
      data: [
        item(
          ids[0] ?? '',
          { first_name: 'Valid', birthday_month: 4, deceased: 'true' },
          withContact(contactId),
        ),
        item(ids[1] ?? '', { first_name: 'No contact' }),
        item(ids[2] ?? '', { first_name: 'Wrong type' }, withContact(contactId), 'contacts'),
        item(ids[3] ?? '', { first_name: 'Unknown contact' }, withContact(unknownContact)),
        item('steve-rogers', { first_name: 'Not a UUID' }, withContact(contactId)),
        item(existing?.id ?? '', { first_name: 'Taken' }, withContact(contactId)),
        item(randomUUID(), { birthday_month: 13 }, withContact(contactId)),
      ],
    });

    expect(reply.status).toBe(200);
    expect(reply.body[0]?.data).toMatchObject({
      id: ids[0],
      attributes: { first_name: 'Valid', birthday_month: 4, deceased: true, parent_contacts: [contactId] },
    });
    const failures = reply.body
      .slice(1)
      .map((answer) => [answer.id, answer.errors?.map((e) => [e.status, e.code, e.source?.pointer])]);
    expect(failures).toEqual([
      [ids[1], [['400', 'contact_required', '/data/relationships/contacts']]],
      [ids[2], [['409', 'wrong_type', '/data/type']]],
      [ids[3], [['404', 'contact_not_found', '/data/relationships/contacts/data/0/id']]],
      ['steve-rogers', [['400', 'invalid_id', '/data/id']]],
      [existing?.id, [['409', 'already_exists', '/data/id']]],
      [reply.body[6]?.id, [['400', 'invalid_value', '/data/attributes/birthday_month']]],
    ]);
    for (const answer of reply.body.slice(1)) {
      expect(Object.keys(answer).sort()).toEqual(['errors', 'id']);
      for (const error of answer.errors ?? [])
        expect(Object.keys(error).sort()).toEqual(['code', 'detail', 'source', 'status', 'title']);
    }
    const notCreated = await Promise.all(ids.slice(1).map((id) => call('GET', `/v1/people/${id}`)));
    expect(notCreated.map((r) => r.status)).toEqual([404, 404, 404]);
  });

  it('refuses a whole request in which an item has no id, and applies nothing', async () => {
    const workspace = freshWorkspace('mpdx-noid');
    const contactId = await createContact(workspace);
    const valid = randomUUID();

    const reply = await bulk('POST', {
      data: [
        item(valid, { first_name: 'Valid' }, withContact(contactId)),
        {
          data: {
            type: 'people',
            attributes: { first_name: 'No id' },
            relationships: withContact(contactId),
          },
        },
      ],
    });

    const errors = expectErrorDocument(reply, 400);
    expect(errors).toEqual([
      {
        status: '400',
        code: 'missing_id',
        title: 'Bad Request',
        detail: "An 'id' is required for every single object under /data",
        source: { pointer: '/data/1/data/id' },
      },
    ]);
    expect((await call('GET', `/v1/people/${valid}`)).status).toBe(404);
  });

  it('fails a PUT item with a stale updated_in_db_at with 409 while the others apply, in request order', async () => {
    const workspace = freshWorkspace('mpdx-put');
    const contactId = await createContact(workspace);
    const [a, b, c] = await createPeople(contactId, [
      ['Ann', 'A'],
      ['Bob', 'B'],
      ['Cat', 'C'],
    ]);
    const unknown = randomUUID();
    const at = (person: typeof a) => person?.attributes.updated_in_db_at;

    const reply = await bulk('PUT', {
      data: [
        item(a?.id ?? '', { first_name: 'Anna', updated_in_db_at: at(a) }),
        item(b?.id ?? '', { first_name: 'Robert', updated_in_db_at: '2022-01-12 17:18:13 UTC' }),
        item(unknown, { first_name: 'Nobody', updated_in_db_at: at(a) }),
        item(c?.id ?? '', { first_name: 'Catherine' }),
        item(c?.id ?? '', { middle_name: 'M', updated_in_db_at: at(c) }),
      ],
    });

    expect(reply.status).toBe(200);
    expect(reply.body.map((answer) => answer.data?.id ?? answer.id)).toEqual([
      a?.id,
      b?.id,
      unknown,
      c?.id,
      c?.id,
    ]);
    expect(reply.body[0]?.data?.attributes).toMatchObject({ first_name: 'Anna', last_name: 'A' });
    expect(reply.body[1]?.errors?.map((e) => [e.status, e.code, e.source?.pointer])).toEqual([
      ['409', 'conflict', '/data/attributes/updated_in_db_at'],
    ]);
    expect(reply.body[2]?.errors?.map((e) => [e.status, e.code, e.source?.pointer])).toEqual([
      ['404', 'not_found', '/data/id'],
    ]);
    expect(reply.body[3]?.errors?.map((e) => [e.status, e.code, e.detail])).toEqual([
      [
        '400',
        'updated_in_db_at_required',
        'has to be sent in the list of attributes in order to update resource',
      ],
    ]);
    expect(reply.body[4]?.errors?.map((e) => [e.status, e.code])).toEqual([['409', 'duplicate_id']]);
    const bob = await call('GET', `/v1/people/${b?.id}`);
    expect(bob.body).toMatchObject({ first_name: 'Bob' });
    // The items that reached the engine are recorded as one import, with a row result each.
    const importId = reply.headers.get('x-intake-imports') ?? '';
    const recorded = await call('GET', `/v1/imports/${importId}`);
    const rows = await call<{ rows: { row: number; outcome: string; person_id: string }[] }>(
      'GET',
      `/v1/imports/${importId}/rows`,
    );
    expect(recorded.body).toMatchObject({ workspace, status: 'completed_with_errors', total_rows: 2 });
    expect(rows.body.rows.map((r) => [r.row, r.outcome, r.person_id])).toEqual([
      [1, 'updated', a?.id],
      [2, 'conflict', b?.id],
    ]);
  });

  it('clears an attribute sent as null, and overwrites without updated_in_db_at when overwrite is true', async () => {
    const workspace = freshWorkspace('mpdx-clear');
    const contactId = await createContact(workspace);
    const [person] = await createPeople(contactId, [['Dee', 'D']]);

    const reply = await bulk('PUT', {
      data: [item(person?.id ?? '', { last_name: null, occupation: 'Pilot', overwrite: true })],
    });

    expect(reply.body[0]?.data?.attributes).toMatchObject({
      first_name: 'Dee',
      last_name: null,
      occupation: 'Pilot',
    });
  });

  it('moves nobody between account lists: PUT contacts must be in the person’s list', async () => {
    const listA = freshWorkspace('mpdx-move-a');
    const contactA = await createContact(listA);
    const contactA2 = await createContact(listA);
    const contactB = await createContact(freshWorkspace('mpdx-move-b'));
    const [person] = await createPeople(contactA, [['Eve', 'E']]);
    const at = person?.attributes.updated_in_db_at;

    const moved = await bulk('PUT', {
      data: [item(person?.id ?? '', { updated_in_db_at: at }, withContact(contactB))],
    });
    const relinked = await bulk('PUT', {
      data: [item(person?.id ?? '', { updated_in_db_at: at }, withContact(contactA2))],
    });

    expect(moved.body[0]?.errors?.map((e) => [e.status, e.code])).toEqual([['400', 'contact_account_list']]);
    expect(relinked.body[0]?.data?.attributes.parent_contacts).toEqual([contactA2]);
  });

  it('applies one request across account lists, each person in its own', async () => {
    const [x] = await createPeople(await createContact(freshWorkspace('mpdx-ws-x')), [['Xia', 'X']]);
    const [y] = await createPeople(await createContact(freshWorkspace('mpdx-ws-y')), [['Yan', 'Y']]);

    const reply = await bulk('DELETE', { data: [item(y?.id ?? ''), item(x?.id ?? '')] });

    expect(reply.body.map((answer) => answer.data?.attributes.first_name)).toEqual(['Yan', 'Xia']);
    expect(reply.headers.get('x-intake-imports')?.split(', ')).toHaveLength(2);
  });

  it('answers a DELETE of an unknown id with 404 in its item and deletes the others', async () => {
    const workspace = freshWorkspace('mpdx-del');
    const contactId = await createContact(workspace);
    const [person] = await createPeople(contactId, [['Gus', 'G']]);
    const unknown = randomUUID();

    const reply = await bulk('DELETE', { data: [item(unknown), item(person?.id ?? '')] });

    expect(reply.status).toBe(200);
    expect(reply.body[0]).toEqual({
      id: unknown,
      errors: [
        {
          status: '404',
          code: 'not_found',
          title: 'Not Found',
          detail: `Couldn't find Person with 'id'=${unknown}`,
          source: { pointer: '/data/id' },
        },
      ],
    });
    expect(reply.body[1]?.data?.attributes.first_name).toBe('Gus');
    expect((await call('GET', `/v1/people/${person?.id}`)).status).toBe(404);
  });
});

describe('MPDX people bulk: requests refused as a whole', () => {
  it(`refuses more than 100 items with 413 and applies none`, async () => {
    const contactId = await createContact(freshWorkspace('mpdx-limit'));
    const ids = Array.from({ length: 101 }, () => randomUUID());

    const reply = await bulk('POST', {
      data: ids.map((id) => item(id, { first_name: 'Many' }, withContact(contactId))),
    });

    const errors = expectErrorDocument(reply, 413);
    expect(errors[0]).toMatchObject({ code: 'too_many_items', source: { pointer: '/data' } });
    expect((await call('GET', `/v1/people/${ids[0]}`)).status).toBe(404);
  });

  it('accepts exactly 100 items', async () => {
    const contactId = await createContact(freshWorkspace('mpdx-hundred'));

    const reply = await bulk('POST', {
      data: Array.from({ length: 100 }, (_, i) =>
        item(randomUUID(), { first_name: `P${i}` }, withContact(contactId)),
      ),
    });

    expect(reply.status).toBe(200);
    expect(reply.body.filter((answer) => answer.data !== undefined)).toHaveLength(100);
  });

  it('refuses another content type with 415 and a JSON:API error', async () => {
    const body = { data: [item(randomUUID(), { first_name: 'Json' })] };

    const asJson = await call('POST', BULK, { body, headers: { 'content-type': 'application/json' } });
    const withParameter = await call('PUT', BULK, { body, headers: { 'content-type': `${VND}; ext=bulk` } });
    const withCharset = await call<Item[]>('POST', BULK, {
      body: { data: [] },
      headers: { 'content-type': `${VND}; charset=utf-8` },
    });

    const errors = expectErrorDocument(asJson, 415);
    expect(errors[0]).toMatchObject({ code: 'unsupported_media_type', source: { header: 'Content-Type' } });
    expectErrorDocument(withParameter, 415);
    expect(withCharset.status).toBe(200);
    // A DELETE sent with no Content-Type at all (a client that thinks deletes have no body).
    const deleteBare = await call('DELETE', BULK, { rawBody: JSON.stringify({ data: [] }) });
    expect(expectErrorDocument(deleteBare, 415)[0]).toMatchObject({ code: 'unsupported_media_type' });
  });

  it('answers an empty data array with an empty array', async () => {
    const replies = await Promise.all([
      bulk('POST', { data: [] }),
      bulk('PUT', { data: [] }),
      bulk('DELETE', { data: [] }),
    ]);

    expect(replies.map((r) => [r.status, r.body, r.headers.get('x-intake-imports')])).toEqual([
      [200, [], null],
      [200, [], null],
      [200, [], null],
    ]);
  });

  it('refuses a body that is not a bulk document with 400', async () => {
    const notJson = await call('POST', BULK, { rawBody: '{"data": [', headers: { 'content-type': VND } });
    const empty = await call('POST', BULK, { rawBody: '', headers: { 'content-type': VND } });
    const noArray = await bulk('PUT', { data: { type: 'people', id: randomUUID() } });
    const noInner = await bulk('DELETE', { data: [{ type: 'people', id: randomUUID() }] });

    expectErrorDocument(notJson, 400);
    expectErrorDocument(empty, 400);
    expect(expectErrorDocument(noArray, 400)[0]?.source).toEqual({ pointer: '/data' });
    expect(expectErrorDocument(noInner, 400)[0]?.source).toEqual({ pointer: '/data/0/data' });
  });

  it('answers without an API key with 401 as a JSON:API error', async () => {
    const reply = await call('POST', BULK, {
      key: null,
      body: { data: [] },
      headers: { 'content-type': VND },
    });

    expectErrorDocument(reply, 401);
  });
});

describe('MPDX people bulk: tenants', () => {
  it("answers another tenant's people and contacts as not found, and leaves them alone", async () => {
    const other = await createTenantKey(`mpdx-other-${Date.now().toString(36)}`);
    const contactId = await createContact(freshWorkspace('mpdx-tenant'));
    const [person] = await createPeople(contactId, [['Ida', 'I']]);
    const id = person?.id ?? '';

    const put = await bulk('PUT', { data: [item(id, { first_name: 'Stolen', overwrite: true })] }, other);
    const del = await bulk('DELETE', { data: [item(id)] }, other);
    const post = await bulk(
      'POST',
      { data: [item(randomUUID(), { first_name: 'Intruder' }, withContact(contactId))] },
      other,
    );
    const contact = await call('GET', `/v1/contacts/${contactId}`, { key: other });

    expect(put.body[0]?.errors?.map((e) => [e.status, e.code])).toEqual([['404', 'not_found']]);
    expect(del.body[0]?.errors?.map((e) => [e.status, e.code])).toEqual([['404', 'not_found']]);
    expect(post.body[0]?.errors?.map((e) => [e.status, e.code])).toEqual([['404', 'contact_not_found']]);
    expect(contact.status).toBe(404);
    expect((await call('GET', `/v1/people/${id}`)).body).toMatchObject({ first_name: 'Ida' });
  });

  it('lets two tenants use the same client-generated id', async () => {
    const other = await createTenantKey(`mpdx-same-${Date.now().toString(36)}`);
    const id = randomUUID();
    const mine = await createContact(freshWorkspace('mpdx-same'));
    const theirs = await createContact(freshWorkspace('mpdx-same'), other);

    const a = await bulk('POST', { data: [item(id, { first_name: 'Mine' }, withContact(mine))] });
    const b = await bulk('POST', { data: [item(id, { first_name: 'Theirs' }, withContact(theirs))] }, other);

    expect(a.body[0]?.data?.attributes.first_name).toBe('Mine');
    expect(b.body[0]?.data?.attributes.first_name).toBe('Theirs');
  });
});

describe('Contacts (native)', () => {
  it('creates a contact with a generated or given UUID and reads it back', async () => {
    const workspace = freshWorkspace('contacts');
    const given = randomUUID().toUpperCase();

    const generated = await call('POST', '/v1/contacts', { body: { workspace, name: 'Smith household' } });
    const chosen = await call('POST', '/v1/contacts', { body: { id: given, workspace, name: 'Jones' } });
    const read = await call('GET', `/v1/contacts/${generated.body.id}`);

    expect(generated.status).toBe(201);
    expect(generated.headers.get('location')).toBe(`/v1/contacts/${generated.body.id}`);
    expect(generated.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
      object: 'contact',
      workspace,
      name: 'Smith household',
      created_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
    });
    expect(chosen.body.id).toBe(given.toLowerCase());
    expect(read.status).toBe(200);
    expect(read.body).toEqual(generated.body);
  });

  it('refuses a taken id with 409, a bad body with 422, and answers an unknown id with 404', async () => {
    const workspace = freshWorkspace('contacts-bad');
    const id = await createContact(workspace);

    const taken = await call('POST', '/v1/contacts', { body: { id, workspace, name: 'Again' } });
    const bad = await call<{ error: { code: string; details: { pointer: string }[] } }>(
      'POST',
      '/v1/contacts',
      {
        body: { id: 'not-a-uuid', name: '' },
      },
    );
    const unknown = await call('GET', `/v1/contacts/${randomUUID()}`);

    expect(taken.status).toBe(409);
    expect(taken.body).toMatchObject({ error: { code: 'contact_exists' } });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details.map((d) => d.pointer).sort()).toEqual(['/id', '/name', '/workspace']);
    expect(unknown.status).toBe(404);
  });
});

describe('An MPDX client, step by step', () => {
  it('creates a contact, creates its people, updates one with the time it read, deletes them, and they are gone', async () => {
    const accountList = freshWorkspace('mpdx-client');
    // 1. The contact the people belong to.
    const contactId = await createContact(accountList);
    // 2. The people, with client-generated ids.
    const hans = randomUUID();
    const greta = randomUUID();
    const created = await bulk('POST', {
      data: [
        item(hans, { first_name: 'Hans', last_name: 'Jerde' }, withContact(contactId)),
        item(
          greta,
          { first_name: 'Greta', last_name: 'Jerde', birthday_day: 2, birthday_month: 3 },
          withContact(contactId),
        ),
      ],
    });
    expect(created.status).toBe(200);
    const readAt = created.body[0]?.data?.attributes.updated_in_db_at as string;
    expect(readAt).toMatch(SECONDS);

    // 3. An update based on the time the client read.
    const updated = await bulk('PUT', {
      data: [item(hans, { first_name: 'Hansel', marital_status: 'Married', updated_in_db_at: readAt })],
    });
    expect(updated.body[0]?.data?.attributes).toMatchObject({
      first_name: 'Hansel',
      last_name: 'Jerde',
      marital_status: 'Married',
      parent_contacts: [contactId],
    });
    const stored = await call('GET', `/v1/people/${hans}`);
    expect(stored.body).toMatchObject({ workspace: accountList, first_name: 'Hansel', version: 2 });

    // 4. Deleting both answers them as they were.
    const deleted = await bulk('DELETE', { data: [item(hans), item(greta)] });
    expect(deleted.body.map((answer) => answer.data?.attributes.first_name)).toEqual(['Hansel', 'Greta']);
    expect(deleted.body[1]?.data?.attributes).toMatchObject({ birthday_day: 2, birthday_month: 3 });

    // 5. They are gone.
    const after = await Promise.all([call('GET', `/v1/people/${hans}`), call('GET', `/v1/people/${greta}`)]);
    expect(after.map((r) => r.status)).toEqual([404, 404]);
    const again = await bulk('DELETE', { data: [item(hans)] });
    expect(again.body[0]?.errors?.[0]?.status).toBe('404');
  });
});
