import {
  type Body,
  call,
  createTenantKey,
  freshWorkspace,
  peopleOf,
  type RowView as Row,
  runImport,
} from '../../helpers/http-client.js';

describe('Native JSON imports', () => {
  it('creates one person per record and reports each row as created', async () => {
    const workspace = freshWorkspace('create');
    const records = [
      {
        external_id: 'e-1',
        email: 'Ada@Example.com ',
        first_name: 'Ada',
        last_name: 'Lovelace',
        attributes: { team: 'math' },
      },
      { external_id: 'e-2', first_name: 'Grace' },
      { email: 'linus@example.com' },
    ];

    const { created, done, rows } = await runImport(workspace, records);

    expect(created).toMatchObject({ status: 'analyzing', workspace, format: 'json', review: null });
    expect(typeof created.created_at).toBe('string');
    expect(done.status).toBe('completed');
    // Not a dry run: the review counts the rows and predicts nothing (the counters say what happened).
    expect(done).toMatchObject({
      total_rows: 3,
      review: expect.objectContaining({ rows: 3, invalid: 0, created: null }),
    });
    expect(done.counters).toMatchObject({ processed: 3, created: 3, updated: 0, failed: 0 });
    expect(rows.map((r) => [r.row, r.outcome])).toEqual([
      [1, 'created'],
      [2, 'created'],
      [3, 'created'],
    ]);
    const person = await call('GET', `/v1/people/${rows[0]?.person_id}`);
    expect(person.status).toBe(200);
    expect(person.body).toMatchObject({
      workspace,
      external_id: 'e-1',
      email: 'ada@example.com',
      first_name: 'Ada',
      last_name: 'Lovelace',
      attributes: { team: 'math' },
      version: 1,
    });
  });

  it('updates the person matched by external_id, then by email, and reports unchanged rows', async () => {
    const workspace = freshWorkspace('upsert');
    const first = await runImport(workspace, [
      { external_id: 'u-1', email: 'one@example.com', first_name: 'One' },
      { email: 'two@example.com', first_name: 'Two' },
    ]);
    const [one, two] = first.rows;

    const second = await runImport(workspace, [
      { external_id: 'u-1', first_name: 'Uno' },
      { email: 'TWO@example.com', external_id: 'u-2' },
    ]);
    const third = await runImport(workspace, [
      { external_id: 'u-1', email: 'one@example.com', first_name: 'Uno' },
    ]);

    expect(second.rows.map((r) => [r.outcome, r.person_id])).toEqual([
      ['updated', one?.person_id],
      ['updated', two?.person_id],
    ]);
    expect(second.done.counters).toMatchObject({ updated: 2, created: 0 });
    expect(third.rows.map((r) => [r.outcome, r.person_id])).toEqual([['unchanged', one?.person_id]]);
    const byExternalId = await call<{ people: Body[] }>(
      'GET',
      `/v1/people?workspace=${workspace}&external_id=u-2`,
    );
    expect(byExternalId.body.people).toEqual([
      expect.objectContaining({
        id: two?.person_id,
        email: 'two@example.com',
        first_name: 'Two',
        version: 2,
      }),
    ]);
  });

  it('fails a row whose identifiers point at two people, or skips it when asked', async () => {
    const workspace = freshWorkspace('ambiguous');
    await runImport(workspace, [{ external_id: 'a-1' }, { email: 'b@example.com' }]);
    const conflicting = [{ external_id: 'a-1', email: 'b@example.com' }];

    const failed = await runImport(workspace, conflicting);
    const skipped = await runImport(workspace, conflicting, { on_ambiguous_match: 'skip' });

    expect(failed.done.status).toBe('completed_with_errors');
    expect(failed.rows[0]).toMatchObject({
      outcome: 'failed',
      errors: [expect.objectContaining({ code: 'ambiguous_match' })],
    });
    expect(skipped.done.status).toBe('completed');
    expect(skipped.rows[0]?.outcome).toBe('skipped');
  });

  it('fails the whole import before writing anything when rows are invalid, naming the rows', async () => {
    const workspace = freshWorkspace('invalid');
    const records = [{ email: 'not-an-email' }, { first_name: 'Nobody' }, { email: 'ok@example.com' }];

    const { done, rows } = await runImport(workspace, records);
    const people = await call<{ people: Body[] }>('GET', `/v1/people?workspace=${workspace}`);

    expect(done).toMatchObject({
      status: 'failed',
      error: { code: 'invalid_rows', rows: [1, 2] },
      review: expect.objectContaining({ rows: 3, invalid: 2, created: null }),
    });
    // Nothing was applied: every row is unprocessed, the invalid ones with their errors (as results.csv).
    expect(rows).toEqual([
      {
        row: 1,
        outcome: 'unprocessed',
        person_id: null,
        errors: [
          { code: 'invalid_email', field: 'email', message: "'not-an-email' is not an email address" },
        ],
      },
      {
        row: 2,
        outcome: 'unprocessed',
        person_id: null,
        errors: [expect.objectContaining({ code: 'missing_identifier', field: null })],
      },
      { row: 3, outcome: 'unprocessed', person_id: null, errors: [] },
    ]);
    expect(people.body.people).toEqual([]);
  });

  it('skips invalid rows with their field and message under skip_invalid, and goes on with the others', async () => {
    const workspace = freshWorkspace('skip-invalid');
    const records = [{ email: 'not-an-email' }, { first_name: 'Nobody' }, { email: 'ok@example.com' }];

    const { done, rows } = await runImport(workspace, records, { skip_invalid: true });

    expect(done).toMatchObject({
      status: 'completed',
      counters: expect.objectContaining({ skipped: 2, created: 1 }),
    });
    expect(rows[0]).toMatchObject({
      outcome: 'skipped',
      errors: [{ code: 'invalid_email', field: 'email', message: "'not-an-email' is not an email address" }],
    });
    expect(rows[1]).toMatchObject({
      outcome: 'skipped',
      errors: [expect.objectContaining({ code: 'missing_identifier' })],
    });
  });

  it('refuses to give an email to a second person when matching on external_id only', async () => {
    const workspace = freshWorkspace('taken');
    await runImport(workspace, [{ external_id: 't-1', email: 'taken@example.com' }]);

    const { rows } = await runImport(workspace, [{ external_id: 't-2', email: 'taken@example.com' }], {
      match_on: ['external_id'],
    });

    expect(rows[0]).toMatchObject({
      outcome: 'failed',
      errors: [expect.objectContaining({ code: 'identifier_taken', field: 'email' })],
    });
  });

  it('pages through row results with a cursor and filters them by outcome', async () => {
    const workspace = freshWorkspace('pages');
    const records = Array.from({ length: 5 }, (_, i) => ({ external_id: `p-${i}` }));
    const { created } = await runImport(workspace, [...records, { email: 'broken' }], { skip_invalid: true });
    const path = `/v1/imports/${created.id}/rows`;

    const page1 = await call<{ rows: Row[]; next_cursor: string | null }>('GET', `${path}?limit=4`);
    const page2 = await call<{ rows: Row[]; next_cursor: string | null }>(
      'GET',
      `${path}?limit=4&cursor=${page1.body.next_cursor}`,
    );
    const failed = await call<{ rows: Row[] }>('GET', `${path}?outcome=skipped`);

    expect(page1.body.rows.map((r) => r.row)).toEqual([1, 2, 3, 4]);
    expect(page2.body.rows.map((r) => r.row)).toEqual([5, 6]);
    expect(page2.body.next_cursor).toBeNull();
    expect(failed.body.rows.map((r) => r.row)).toEqual([6]);
  });

  it("lists a workspace's imports newest first, a page at a time, to its own tenant only", async () => {
    const workspace = freshWorkspace('listing');
    const ids: string[] = [];
    for (const n of [1, 2, 3])
      ids.push((await runImport(workspace, [{ external_id: `l-${n}` }])).created.id as string);
    type Listing = { imports: Body[]; next_cursor: string | null };

    const page1 = await call<Listing>('GET', `/v1/imports?workspace=${workspace}&limit=2`);
    const page2 = await call<Listing>(
      'GET',
      `/v1/imports?workspace=${workspace}&limit=2&cursor=${page1.body.next_cursor}`,
    );
    expect(page1.status).toBe(200);
    expect(page1.body.imports.map((item) => item.id)).toEqual([ids[2], ids[1]]);
    expect(page1.body.imports[0]).toMatchObject({ status: 'completed', workspace, counters: { created: 1 } });
    expect(page2.body.imports.map((item) => item.id)).toEqual([ids[0]]);
    expect(page2.body.next_cursor).toBeNull();

    const otherKey = await createTenantKey(`lister-${Date.now().toString(36)}`);
    const theirs = await call<Listing>('GET', `/v1/imports?workspace=${workspace}`, { key: otherKey });
    expect([theirs.status, theirs.body.imports]).toEqual([200, []]);
    for (const query of [
      '',
      'workspace=',
      `workspace=${workspace}&limit=0`,
      `workspace=${workspace}&cursor=nope`,
    ]) {
      const reply = await call<{ error: { code: string } }>('GET', `/v1/imports?${query}`);
      expect([query, reply.status, reply.body.error.code]).toEqual([
        query,
        422,
        query.includes('cursor') ? 'invalid_cursor' : 'validation_failed',
      ]);
    }
    expect((await call('GET', `/v1/imports?workspace=${workspace}`, { key: null })).status).toBe(401);
  });

  it('keeps one person per email when two imports race to create it', async () => {
    const workspace = freshWorkspace('race');
    const records = Array.from({ length: 30 }, (_, i) => ({ email: `racer-${i}@example.com` }));

    const [a, b] = await Promise.all([runImport(workspace, records), runImport(workspace, records)]);

    const people = await call<{ people: Body[] }>('GET', `/v1/people?workspace=${workspace}&limit=1000`);
    expect(people.body.people).toHaveLength(30);
    const created = (a.done.counters as Body).created as number;
    expect(created + ((b.done.counters as Body).created as number)).toBe(30);
    expect(a.rows.map((r) => r.person_id)).toEqual(b.rows.map((r) => r.person_id));
  });
});

describe('Native API bad input', () => {
  const post = (body: unknown) => call('POST', '/v1/imports', { body });

  it('answers 422 with every problem and its JSON pointer', async () => {
    const reply = await post({
      format: 'xml',
      records: [{ email: 42, nickname: 'x' }],
      options: { match_on: ['phone'] },
    });

    expect(reply.status).toBe(422);
    expect(reply.body).toMatchObject({ error: { code: 'validation_failed' } });
    const pointers = ((reply.body.error as Body).details as { pointer: string }[])
      .map((d) => d.pointer)
      .sort();
    expect(pointers).toEqual([
      '/format',
      '/options/match_on/0',
      '/records/0/email',
      '/records/0/nickname',
      '/workspace',
    ]);
  });

  it('answers 400 for a body that is not JSON and 422 for an empty one', async () => {
    const broken = await call('POST', '/v1/imports', {
      rawBody: '{"workspace": ',
      headers: { 'content-type': 'application/json' },
    });
    const empty = await call('POST', '/v1/imports', { rawBody: '' });

    expect(broken.status).toBe(400);
    expect(broken.body).toMatchObject({ error: { code: 'invalid_json' } });
    expect(empty.status).toBe(422);
  });

  it('refuses an import with no records and dangerous attribute names', async () => {
    const none = await post({ workspace: 'w', format: 'json', records: [] });
    const proto = await call('POST', '/v1/imports', {
      rawBody:
        '{"workspace":"w","format":"json","records":[{"email":"a@b.co","attributes":{"__proto__":"x"}}]}',
      headers: { 'content-type': 'application/json' },
    });

    expect(none.status).toBe(422);
    expect(((none.body.error as Body).details as Body[])[0]).toMatchObject({ pointer: '/records' });
    expect(proto.status).toBe(422);
  });

  it('answers 422 for bad paging and people queries, naming the parameter', async () => {
    const workspace = freshWorkspace('queries');
    const { created } = await runImport(workspace, [{ external_id: 'q-1' }]);

    for (const query of [
      'limit=0',
      'limit=5000',
      'limit=abc',
      'outcome=great',
      'cursor=not-a-cursor',
      'color=red',
    ]) {
      const reply = await call('GET', `/v1/imports/${created.id}/rows?${query}`);
      expect([query, reply.status]).toEqual([query, 422]);
    }
    expect((await call('GET', '/v1/people')).status).toBe(422);
    expect((await call('GET', `/v1/people?workspace=${workspace}&email=a@b.co&external_id=q-1`)).status).toBe(
      422,
    );
    expect((await call('GET', `/v1/people?workspace=${workspace}&email=nope`)).status).toBe(422);
  });

  it('answers 404 for unknown ids and routes', async () => {
    expect((await call('GET', '/v1/imports/imp_missing')).status).toBe(404);
    expect((await call('GET', '/v1/imports/imp_missing/rows')).status).toBe(404);
    expect((await call('GET', '/v1/people/per_missing')).status).toBe(404);
    for (const path of ['actions', 'actions/act_missing', 'results.csv', 'errors.csv', 'files']) {
      const reply = await call('GET', `/v1/imports/imp_missing/${path}`);
      expect([path, reply.status, reply.body]).toEqual([
        path,
        404,
        {
          error: expect.objectContaining({
            code: 'not_found',
            message: expect.stringContaining('imp_missing'),
          }),
        },
      ]);
    }
    const { created } = await runImport(freshWorkspace('unknown-action'), [{ external_id: 'u-1' }]);
    const action = await call('GET', `/v1/imports/${created.id}/actions/act_missing`);
    expect(action.status).toBe(404);
    expect(action.body).toMatchObject({
      error: { code: 'not_found', message: "Action 'act_missing' not found" },
    });
    const route = await call('GET', '/v1/nothing-here');
    expect(route.status).toBe(404);
    expect(route.body).toMatchObject({ error: { code: 'route_not_found' } });
  });
});

describe('Authentication and tenants', () => {
  it('answers /health without a key and 401 without or with a wrong key elsewhere', async () => {
    expect((await call('GET', '/health', { key: null })).status).toBe(200);
    const missing = await call('GET', '/v1/imports/x', { key: null });
    const wrong = await call('GET', '/v1/imports/x', { key: 'ik_wrong' });

    expect(missing.status).toBe(401);
    expect(missing.body).toMatchObject({ error: { code: 'unauthorized' } });
    expect(wrong.status).toBe(401);
  });

  it('accepts the key as x-api-key, Bearer token or HTTP Basic', async () => {
    const key = process.env.INTAKE_API_KEY ?? '';
    const basicPassword = Buffer.from(`anyone:${key}`).toString('base64');
    const basicUser = Buffer.from(`${key}:`).toString('base64');

    for (const authorization of [`Bearer ${key}`, `Basic ${basicPassword}`, `Basic ${basicUser}`]) {
      const reply = await call('GET', '/v1/imports/imp_missing', { key: null, headers: { authorization } });
      expect([authorization.split(' ')[0], reply.status]).toEqual([authorization.split(' ')[0], 404]);
    }
    expect(
      (await call('GET', '/v1/imports/imp_missing', { key: null, headers: { authorization: 'Bearer nope' } }))
        .status,
    ).toBe(401);
  });

  it("answers 404 to another tenant's actions, result files and upload, and changes nothing", async () => {
    const otherKey = await createTenantKey(`intruder-${Date.now().toString(36)}`);
    const workspace = freshWorkspace('guarded');
    const { created, done } = await runImport(workspace, [{ external_id: 'g-1' }, { external_id: 'g-2' }]);
    const actions = await call<{ actions: Body[] }>('GET', `/v1/imports/${created.id}/actions`);
    const processId = actions.body.actions[0]?.id;
    expect(actions.body.actions.map((a) => a.type)).toEqual(['process']);

    for (const type of ['revert', 'cancel', 'retry_failed', 'process', 'analyze']) {
      const reply = await call('POST', `/v1/imports/${created.id}/actions`, {
        key: otherKey,
        body: { type },
      });
      expect([type, reply.status, reply.body]).toEqual([
        type,
        404,
        { error: expect.objectContaining({ code: 'not_found' }) },
      ]);
    }
    for (const path of ['actions', `actions/${processId}`, 'results.csv', 'errors.csv', 'files']) {
      const reply = await call('GET', `/v1/imports/${created.id}/${path}`, { key: otherKey });
      expect([path, reply.status]).toEqual([path, 404]);
    }
    const upload = await call('PUT', `/v1/imports/${created.id}/file`, {
      key: otherKey,
      rawBody: 'external_id\ng-3\n',
      headers: { 'content-type': 'text/csv' },
    });
    expect(upload.status).toBe(404);

    // The owner sees the import, its one action and its people as they were.
    expect((await call('GET', `/v1/imports/${created.id}`)).body).toMatchObject({
      status: 'completed',
      counters: done.counters,
    });
    const after = await call<{ actions: Body[] }>('GET', `/v1/imports/${created.id}/actions`);
    expect(after.body.actions.map((a) => a.id)).toEqual([processId]);
    expect((await peopleOf(workspace)).map((p) => p.external_id).sort()).toEqual(['g-1', 'g-2']);
  });

  it("answers 404 to one tenant for another tenant's import, rows and people", async () => {
    const otherKey = await createTenantKey(`other-${Date.now().toString(36)}`);
    const workspace = freshWorkspace('isolated');
    const { created, rows } = await runImport(workspace, [
      { external_id: 'secret-1', email: 'secret@example.com' },
    ]);

    expect((await call('GET', `/v1/imports/${created.id}`, { key: otherKey })).status).toBe(404);
    expect((await call('GET', `/v1/imports/${created.id}/rows`, { key: otherKey })).status).toBe(404);
    expect((await call('GET', `/v1/people/${rows[0]?.person_id}`, { key: otherKey })).status).toBe(404);
    const search = await call<{ people: Body[] }>(
      'GET',
      `/v1/people?workspace=${workspace}&email=secret@example.com`,
      { key: otherKey },
    );
    expect(search.body.people).toEqual([]);

    const theirs = await runImport(workspace, [{ external_id: 'secret-1' }], undefined, otherKey);
    expect(theirs.rows[0]?.outcome).toBe('created');
    expect(theirs.rows[0]?.person_id).not.toBe(rows[0]?.person_id);
  });
});
