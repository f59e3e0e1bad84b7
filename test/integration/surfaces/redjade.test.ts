import { readFileSync } from 'node:fs';
import { type Body, call, createTenantKey, peopleOf, runImport } from '../../helpers/http-client.js';

/**
 * The RedJade surface (docs/compat.md#redjade) through HTTP: participant imports reviewed by the
 * engine, participant import actions with the documented options, their index and show.
 */

const EXAMPLE = readFileSync('test/fixtures/redjade/participant-import-action.example.json', 'utf8');

type Errors = { errors: Record<string, string[]> };
type ParticipantError = { index: number; errors: Record<string, string[]> };
type Counts = Record<
  'total' | 'processed' | 'created' | 'updated' | 'unchanged' | 'destroyed' | 'skipped' | 'errors',
  number
>;
type Action = {
  id: number;
  participant_import_id: number;
  event_id: number;
  status: string;
  save_missing_categories: boolean;
  only_demographics: boolean;
  destroy_existing_demographics: boolean;
  destroy_unmatched_participants: boolean;
  skip_invalid: boolean;
  skip_duplicate_identity_matches: boolean;
  counts: Counts;
  participant_errors: ParticipantError[];
  error_message: string | null;
  created_at: string;
  updated_at: string;
  completed_at: string | null;
};
type ParticipantImport = {
  id: number;
  event_id: number;
  status: string;
  participant_count: number;
  review: Record<string, number> | null;
  participant_errors: ParticipantError[];
  error_message: string | null;
  created_at: string;
  updated_at: string;
};

const ACTION_KEYS = [
  'id',
  'participant_import_id',
  'event_id',
  'status',
  'save_missing_categories',
  'only_demographics',
  'destroy_existing_demographics',
  'destroy_unmatched_participants',
  'skip_invalid',
  'skip_duplicate_identity_matches',
  'counts',
  'participant_errors',
  'error_message',
  'created_at',
  'updated_at',
  'completed_at',
];
const COUNT_KEYS = [
  'total',
  'processed',
  'created',
  'updated',
  'unchanged',
  'destroyed',
  'skipped',
  'errors',
];
const DEFAULTS = {
  save_missing_categories: true,
  only_demographics: false,
  destroy_existing_demographics: false,
  destroy_unmatched_participants: false,
  skip_invalid: false,
  skip_duplicate_identity_matches: false,
};
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

let key: string;
/** Another tenant's key. It never creates anything, so every id of ours is foreign to it. */
let otherKey: string;
let nextEvent = 1;
/** An event id no other test of this tenant uses. */
const freshEvent = () => nextEvent++;
const workspaceOf = (eventId: number) => `event-${eventId}`;

beforeAll(async () => {
  const suffix = Date.now().toString(36);
  [key, otherKey] = await Promise.all([
    createTenantKey(`redjade-${suffix}`),
    createTenantKey(`redjade-other-${suffix}`),
  ]);
});

const postImport = (body: unknown, k: string = key) =>
  call<{ participant_import_id: number; participant_import: ParticipantImport } & Errors>(
    'POST',
    '/v1/participant_imports',
    { body, key: k },
  );
const postAction = (body: unknown, k: string = key) =>
  call<{ participant_import_action: Action } & Errors>('POST', '/v1/participant_import_actions', {
    body,
    key: k,
  });
const showAction = (id: unknown, k: string = key) =>
  call<{ participant_import_action: Action } & Errors>('GET', `/v1/participant_import_actions/${id}`, {
    key: k,
  });
const listActions = (query: string, k: string = key) =>
  call<{ participant_import_actions: Action[] } & Errors>('GET', `/v1/participant_import_actions${query}`, {
    key: k,
  });

async function poll<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what} did not finish: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

/** GET /v1/participant_imports/:id until the review is no longer pending. */
const reviewed = async (id: number, k: string = key) =>
  (
    await poll(
      () =>
        call<{ participant_import: ParticipantImport }>('GET', `/v1/participant_imports/${id}`, { key: k }),
      (reply) => reply.status !== 200 || reply.body.participant_import.status !== 'pending',
      `participant import ${id}`,
    )
  ).body.participant_import;

/** GET /v1/participant_import_actions/:id until it is completed or failed. */
const finished = async (id: number, k: string = key) =>
  (
    await poll(
      () => showAction(id, k),
      (reply) =>
        reply.status !== 200 || ['completed', 'failed'].includes(reply.body.participant_import_action.status),
      `participant import action ${id}`,
    )
  ).body.participant_import_action;

/** Creates a participant import and returns its id. */
async function createImport(eventId: number, participants: Body[], k: string = key): Promise<number> {
  const reply = await postImport({ event_id: eventId, participants }, k);
  if (reply.status !== 201)
    throw new Error(`POST /v1/participant_imports answered ${reply.status}: ${reply.text}`);
  return reply.body.participant_import_id;
}

/** Imports the participants with the options and waits for the action's final state. */
async function importParticipants(eventId: number, participants: Body[], options: Body = {}) {
  const participantImportId = await createImport(eventId, participants);
  const created = await postAction({ participant_import_id: participantImportId, ...options });
  if (created.status !== 201) throw new Error(`POST action answered ${created.status}: ${created.text}`);
  return finished(created.body.participant_import_action.id);
}

/** People already in an event, put there through the native API. */
const seed = (eventId: number, records: Body[]) => runImport(workspaceOf(eventId), records, undefined, key);

const byExternalId = (people: Body[]) =>
  Object.fromEntries(people.map((person) => [String(person.external_id), person]));

describe('RedJade POST /v1/participant_imports', () => {
  it('answers 201 with the integer participant_import_id and the import pending review', async () => {
    const eventId = freshEvent();

    const reply = await postImport({
      event_id: eventId,
      participants: [
        {
          external_id: 'p-1',
          email: 'p1@example.com',
          first_name: 'Pat',
          last_name: 'One',
          demographics: { 'Age Group': '25-34' },
        },
      ],
    });

    expect(reply.status).toBe(201);
    expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
    expect(Object.keys(reply.body).sort()).toEqual(['participant_import', 'participant_import_id']);
    expect(Number.isInteger(reply.body.participant_import_id)).toBe(true);
    expect(reply.headers.get('location')).toBe(`/v1/participant_imports/${reply.body.participant_import_id}`);
    expect(reply.body.participant_import).toEqual({
      id: reply.body.participant_import_id,
      event_id: eventId,
      status: 'pending',
      participant_count: 1,
      review: null,
      participant_errors: [],
      error_message: null,
      created_at: expect.stringMatching(TIMESTAMP),
      updated_at: expect.stringMatching(TIMESTAMP),
    });
  });

  it('numbers participant imports 1, 2, 3... per tenant', async () => {
    const tenantKey = await createTenantKey(`redjade-ids-${Date.now().toString(36)}`);

    const first = await createImport(1, [{ external_id: 'a' }], tenantKey);
    const second = await createImport(2, [{ external_id: 'b' }], tenantKey);

    expect([first, second]).toEqual([1, 2]);
  });

  it('reviews the payload against the event: predicted outcomes, invalid participants, unmatched participants', async () => {
    const eventId = freshEvent();
    await seed(eventId, [
      { external_id: 'old-1', email: 'old1@example.com', first_name: 'Old' },
      { external_id: 'gone-1', first_name: 'Gone' },
    ]);

    const id = await createImport(eventId, [
      { external_id: 'new-1', email: 'new1@example.com', first_name: 'New' },
      { email: 'OLD1@example.com', first_name: 'Olda' },
      { external_id: 'bad-1', email: 'not-an-email' },
      { first_name: 'Nobody' },
    ]);
    const review = await reviewed(id);

    expect(review.status).toBe('ready');
    expect(review.review).toEqual({
      total: 4,
      created: 1,
      updated: 1,
      unchanged: 0,
      skipped: 0,
      invalid: 2,
      duplicate_identity_matches: 0,
      superseded: 0,
      unmatched_participants: 1,
    });
    expect(review.participant_errors).toEqual([
      { index: 2, errors: { email: [expect.stringContaining('not-an-email')] } },
      { index: 3, errors: { base: [expect.stringContaining('no identifier')] } },
    ]);
    expect((await peopleOf(workspaceOf(eventId), key)).map((p) => p.first_name).sort()).toEqual([
      'Gone',
      'Old',
    ]);
  });

  it('rejects a malformed payload with 422 and every problem under its key', async () => {
    const reply = await postImport({
      participants: [{ email: 5, phone: '555', demographics: { ok: { nested: true } } }],
    });

    expect(reply.status).toBe(422);
    expect(reply.body).toEqual({
      errors: {
        event_id: ['is required'],
        'participants/0/email': ['must be string,null'],
        'participants/0/phone': ['is not an allowed property'],
        'participants/0/demographics/ok': ['must be string,number,boolean,null'],
      },
    });
  });

  it('rejects an event id that is not a positive integer and an empty participant list', async () => {
    const reply = await postImport({ event_id: '12', participants: [] });
    const zero = await postImport({ event_id: 0, participants: [{ external_id: 'x' }] });

    expect(reply.status).toBe(422);
    expect(reply.body.errors).toEqual({
      event_id: ['must be integer'],
      participants: ['must NOT have fewer than 1 items'],
    });
    expect(zero.body.errors).toEqual({ event_id: ['must be >= 1'] });
  });

  it('answers 400, 401, unknown ids and unknown routes in the same errors shape', async () => {
    const notJson = await call('POST', '/v1/participant_imports', {
      key,
      rawBody: '{"event_id": 1,',
      headers: { 'content-type': 'application/json' },
    });
    const noKey = await call('POST', '/v1/participant_imports', { key: null, body: {} });
    const unknown = await call('GET', '/v1/participant_imports/999999', { key });
    const notInteger = await call('GET', '/v1/participant_imports/abc', { key });
    const noRoute = await call('DELETE', '/v1/participant_imports/1', { key });

    expect(notJson.status).toBe(400);
    expect(notJson.body).toEqual({ errors: { base: [expect.stringContaining('not valid JSON')] } });
    expect(noKey.status).toBe(401);
    expect(noKey.body).toEqual({ errors: { base: [expect.any(String)] } });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ errors: { base: ["Participant import '999999' not found"] } });
    expect(notInteger.status).toBe(404);
    expect(notInteger.body).toEqual({ errors: { base: ["Participant import 'abc' not found"] } });
    expect(noRoute.status).toBe(404);
    expect(noRoute.body).toEqual({ errors: { base: ['No route for DELETE /v1/participant_imports/1'] } });
  });

  it("answers 404 for another tenant's participant import", async () => {
    const id = await createImport(freshEvent(), [{ external_id: 'mine' }]);

    const reply = await call('GET', `/v1/participant_imports/${id}`, { key: otherKey });

    expect(reply.status).toBe(404);
    expect(reply.body).toEqual({ errors: { base: [`Participant import '${id}' not found`] } });
  });
});

describe('RedJade POST /v1/participant_import_actions', () => {
  it('accepts the documented example request verbatim, repeated key included, and answers with the action', async () => {
    // A fresh tenant, so that the document's participant_import_id 24 is one of its imports.
    const tenantKey = await createTenantKey(`redjade-example-${Date.now().toString(36)}`);
    await Promise.all(
      Array.from({ length: 23 }, (_, i) => createImport(100 + i, [{ external_id: `x-${i}` }], tenantKey)),
    );
    const id = await createImport(
      7,
      [{ external_id: 'ex-1', email: 'ex1@example.com', first_name: 'Ex', demographics: { Gender: 'F' } }],
      tenantKey,
    );
    expect(id).toBe(24);
    expect(EXAMPLE.match(/"destroy_existing_demographics"/g)).toHaveLength(2);

    const reply = await call<{ participant_import_action: Action }>(
      'POST',
      '/v1/participant_import_actions',
      {
        key: tenantKey,
        rawBody: EXAMPLE,
        headers: { 'content-type': 'application/json' },
      },
    );

    expect(reply.status).toBe(201);
    expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
    expect(Object.keys(reply.body)).toEqual(['participant_import_action']);
    const action = reply.body.participant_import_action;
    expect(reply.headers.get('location')).toBe(`/v1/participant_import_actions/${action.id}`);
    expect(Object.keys(action).sort()).toEqual([...ACTION_KEYS].sort());
    expect(Object.keys(action.counts).sort()).toEqual([...COUNT_KEYS].sort());
    expect(action).toMatchObject({
      participant_import_id: 24,
      event_id: 7,
      ...DEFAULTS,
      error_message: null,
    });
    expect(Number.isInteger(action.id)).toBe(true);
    expect(['pending', 'processing', 'completed']).toContain(action.status);
    expect(action.created_at).toMatch(TIMESTAMP);
    expect(action.updated_at).toMatch(TIMESTAMP);
    const done = await finished(action.id, tenantKey);
    expect(done).toMatchObject({
      status: 'completed',
      counts: {
        total: 1,
        processed: 1,
        created: 1,
        updated: 0,
        unchanged: 0,
        destroyed: 0,
        skipped: 0,
        errors: 0,
      },
      participant_errors: [],
      error_message: null,
      completed_at: expect.stringMatching(TIMESTAMP),
    });
    expect(await peopleOf(workspaceOf(7), tenantKey)).toEqual([
      expect.objectContaining({ external_id: 'ex-1', first_name: 'Ex', attributes: { Gender: 'F' } }),
    ]);
  });

  it('applies the documented defaults to options not sent, saving missing demographic categories', async () => {
    const eventId = freshEvent();
    const id = await createImport(eventId, [{ external_id: 'd-1', demographics: { Diet: 'Vegan' } }]);

    const reply = await postAction({ participant_import_id: id });
    const done = await finished(reply.body.participant_import_action.id);

    expect(reply.status).toBe(201);
    expect(reply.body.participant_import_action).toMatchObject(DEFAULTS);
    expect(done).toMatchObject({ status: 'completed', counts: expect.objectContaining({ created: 1 }) });
    const fields = await call<{ fields: Body[] }>('GET', `/v1/workspaces/${workspaceOf(eventId)}/fields`, {
      key,
    });
    expect(fields.body.fields).toEqual([expect.objectContaining({ key: 'Diet', type: 'string' })]);
  });

  it('fails the action when save_missing_categories is off and a category is missing; skip_invalid skips those participants', async () => {
    const eventId = freshEvent();
    const id = await createImport(eventId, [
      { external_id: 'c-1', demographics: { Diet: 'Vegan' } },
      { external_id: 'c-2', first_name: 'Plain' },
    ]);

    const strict = await postAction({ participant_import_id: id, save_missing_categories: false });
    const failed = await finished(strict.body.participant_import_action.id);
    const lenient = await postAction({
      participant_import_id: id,
      save_missing_categories: false,
      skip_invalid: true,
    });
    const skipped = await finished(lenient.body.participant_import_action.id);

    expect(failed).toMatchObject({
      status: 'failed',
      save_missing_categories: false,
      error_message: expect.stringContaining('nothing was imported'),
      // The key names the category; the message says what is wrong with it (compat.md), once.
      participant_errors: [
        {
          index: 0,
          errors: {
            'demographics/Diet': [
              'is not a field of this workspace (create it, or allow create_missing_fields)',
            ],
          },
        },
      ],
    });
    expect(skipped).toMatchObject({
      status: 'completed',
      skip_invalid: true,
      counts: expect.objectContaining({ total: 2, created: 1, skipped: 1, errors: 0 }),
    });
    expect((await peopleOf(workspaceOf(eventId), key)).map((p) => [p.external_id, p.attributes])).toEqual([
      ['c-2', {}],
    ]);
  });

  it('only_demographics changes the demographics of matched participants and creates nobody', async () => {
    const eventId = freshEvent();
    await seed(eventId, [{ external_id: 'm-1', email: 'm1@example.com', first_name: 'Mia' }]);

    const done = await importParticipants(
      eventId,
      [
        { email: 'm1@example.com', first_name: 'Renamed', demographics: { Region: 'North' } },
        { external_id: 'm-2', first_name: 'New' },
      ],
      { only_demographics: true },
    );

    expect(done).toMatchObject({
      status: 'completed',
      only_demographics: true,
      counts: expect.objectContaining({ updated: 1, created: 0, skipped: 1 }),
    });
    expect(await peopleOf(workspaceOf(eventId), key)).toEqual([
      expect.objectContaining({ external_id: 'm-1', first_name: 'Mia', attributes: { Region: 'North' } }),
    ]);
  });

  it('destroy_existing_demographics replaces the demographics of matched participants; without it they are merged', async () => {
    const keepEvent = freshEvent();
    const replaceEvent = freshEvent();
    const existing = [{ external_id: 'r-1', attributes: { Region: 'South', Diet: 'Vegan' } }];
    await Promise.all([seed(keepEvent, existing), seed(replaceEvent, existing)]);
    const payload = [{ external_id: 'r-1', demographics: { Diet: 'None' } }];

    await importParticipants(keepEvent, payload);
    await importParticipants(replaceEvent, payload, { destroy_existing_demographics: true });

    expect((await peopleOf(workspaceOf(keepEvent), key))[0]?.attributes).toEqual({
      Region: 'South',
      Diet: 'None',
    });
    expect((await peopleOf(workspaceOf(replaceEvent), key))[0]?.attributes).toEqual({ Diet: 'None' });
  });

  it("destroy_unmatched_participants destroys the event's unmatched participants and no other event's", async () => {
    const eventId = freshEvent();
    const otherEvent = freshEvent();
    await seed(eventId, [
      { external_id: 'u-1', first_name: 'Kept' },
      { external_id: 'u-2', first_name: 'Unmatched' },
      { email: 'u3@example.com', first_name: 'Kept by email' },
    ]);
    await seed(otherEvent, [{ external_id: 'u-2', first_name: 'Elsewhere' }, { external_id: 'o-1' }]);

    const id = await createImport(eventId, [{ external_id: 'u-1' }, { email: 'U3@example.com' }]);
    const review = await reviewed(id);
    const reply = await postAction({ participant_import_id: id, destroy_unmatched_participants: true });
    const done = await finished(reply.body.participant_import_action.id);

    expect(review.review?.unmatched_participants).toBe(1);
    expect(done).toMatchObject({
      status: 'completed',
      destroy_unmatched_participants: true,
      counts: expect.objectContaining({ total: 2, processed: 2, unchanged: 2, destroyed: 1 }),
    });
    expect((await peopleOf(workspaceOf(eventId), key)).map((p) => p.first_name).sort()).toEqual([
      'Kept',
      'Kept by email',
    ]);
    expect((await peopleOf(workspaceOf(otherEvent), key)).map((p) => p.external_id).sort()).toEqual([
      'o-1',
      'u-2',
    ]);
  });

  it('destroy_unmatched_participants spares the participants that failed or skipped payload participants point at', async () => {
    const eventId = freshEvent();
    await seed(eventId, [
      { external_id: 'x-1', email: 'x@example.com', first_name: 'X' },
      { external_id: 'y-1', email: 'y@example.com', first_name: 'Y' },
      { external_id: 'f-1', first_name: 'Failed row points here' },
      { external_id: 'gone-1', first_name: 'Unmatched' },
    ]);
    const payload = [
      // Matches two participants: skipped with skip_duplicate_identity_matches.
      { external_id: 'x-1', email: 'y@example.com' },
      // A valid external id with invalid data: fails.
      { external_id: 'f-1', email: 'not-an-email' },
    ];

    const done = await importParticipants(eventId, payload, {
      destroy_unmatched_participants: true,
      skip_duplicate_identity_matches: true,
      skip_invalid: true,
    });

    expect(done).toMatchObject({ counts: expect.objectContaining({ skipped: 2, destroyed: 1 }) });
    expect((await peopleOf(workspaceOf(eventId), key)).map((p) => p.external_id).sort()).toEqual([
      'f-1',
      'x-1',
      'y-1',
    ]);
  });

  it('fails a participant whose external id and email match two participants, unless skip_duplicate_identity_matches skips it', async () => {
    const eventId = freshEvent();
    await seed(eventId, [
      { external_id: 'x-1', email: 'x@example.com', first_name: 'X' },
      { external_id: 'y-1', email: 'y@example.com', first_name: 'Y' },
    ]);
    const payload = [
      { external_id: 'x-1', email: 'y@example.com', first_name: 'Both' },
      { external_id: 'z-1', first_name: 'Z' },
    ];

    const id = await createImport(eventId, payload);
    const review = await reviewed(id);
    const strict = await finished(
      (await postAction({ participant_import_id: id })).body.participant_import_action.id,
    );
    const skipping = await importParticipants(eventId, payload, { skip_duplicate_identity_matches: true });

    expect(review.review?.duplicate_identity_matches).toBe(1);
    expect(strict).toMatchObject({
      status: 'completed',
      skip_duplicate_identity_matches: false,
      counts: expect.objectContaining({ created: 1, errors: 1, skipped: 0 }),
      participant_errors: [{ index: 0, errors: { base: [expect.stringContaining('different people')] } }],
    });
    expect(skipping).toMatchObject({
      status: 'completed',
      skip_duplicate_identity_matches: true,
      counts: expect.objectContaining({ unchanged: 1, errors: 0, skipped: 1 }),
      participant_errors: [],
    });
    expect((await peopleOf(workspaceOf(eventId), key)).map((p) => p.first_name).sort()).toEqual([
      'X',
      'Y',
      'Z',
    ]);
  });

  it('rejects a missing participant_import_id, wrong types and unknown options with 422', async () => {
    const missing = await postAction({ skip_invalid: true });
    const wrongTypes = await postAction({
      participant_import_id: '24',
      skip_invalid: 'yes',
      only_demographics: null,
    });
    const unknown = await postAction({ participant_import_id: 1, 'skip_duplicate_identity_matches:': true });
    const empty = await call('POST', '/v1/participant_import_actions', { key, rawBody: '' });

    expect(missing.status).toBe(422);
    expect(missing.body).toEqual({ errors: { participant_import_id: ['is required'] } });
    expect(wrongTypes.status).toBe(422);
    expect(wrongTypes.body).toEqual({
      errors: {
        participant_import_id: ['must be integer'],
        skip_invalid: ['must be boolean'],
        only_demographics: ['must be boolean'],
      },
    });
    expect(unknown.status).toBe(422);
    expect(unknown.body).toEqual({
      errors: { 'skip_duplicate_identity_matches:': ['is not an allowed property'] },
    });
    expect(empty.status).toBe(422);
    expect(empty.body).toEqual({ errors: { base: ['is required'] } });
  });

  it("answers 404 for an unknown participant_import_id and for another tenant's, changing nothing", async () => {
    const eventId = freshEvent();
    await seed(eventId, [{ external_id: 'mine-1' }]);
    const mine = await createImport(eventId, [{ external_id: 'other-1' }]);

    const unknown = await postAction({ participant_import_id: 987654 });
    // otherKey's tenant has no participant imports at all, so any id of ours is foreign to it.
    const foreign = await postAction(
      { participant_import_id: mine, destroy_unmatched_participants: true },
      otherKey,
    );

    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ errors: { base: ["Participant import '987654' not found"] } });
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual({ errors: { base: [`Participant import '${mine}' not found`] } });
    expect((await listActions(`?participant_import_id=${mine}`)).body.participant_import_actions).toEqual([]);
    expect((await peopleOf(workspaceOf(eventId), key)).map((p) => p.external_id)).toEqual(['mine-1']);
  });

  it('refuses a second action while the first is not final, and accepts one afterwards', async () => {
    const id = await createImport(freshEvent(), [{ external_id: 'once-1' }]);

    const replies = await Promise.all([
      postAction({ participant_import_id: id }),
      postAction({ participant_import_id: id }),
    ]);
    const accepted = replies.find((reply) => reply.status === 201);
    await finished(accepted?.body.participant_import_action.id ?? 0);
    const later = await postAction({ participant_import_id: id });

    expect(replies.map((reply) => reply.status).sort()).toEqual([201, 409]);
    expect(replies.find((reply) => reply.status === 409)?.body).toEqual({
      errors: { base: [expect.stringMatching(new RegExp(`participant import ${id}\\b`, 'i'))] },
    });
    expect(later.status).toBe(201);
    expect((await finished(later.body.participant_import_action.id)).counts).toMatchObject({ unchanged: 1 });
  });
});

describe('RedJade GET /v1/participant_import_actions', () => {
  it("lists an import's actions in the order they were created", async () => {
    const id = await createImport(freshEvent(), [{ external_id: 'l-1', email: 'bad' }]);
    const first = (await postAction({ participant_import_id: id })).body.participant_import_action;
    await finished(first.id);
    const second = (await postAction({ participant_import_id: id, skip_invalid: true })).body
      .participant_import_action;
    await finished(second.id);

    const reply = await listActions(`?participant_import_id=${id}`);

    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
    expect(Object.keys(reply.body)).toEqual(['participant_import_actions']);
    expect(reply.body.participant_import_actions.map((a) => [a.id, a.status, a.skip_invalid])).toEqual([
      [first.id, 'failed', false],
      [second.id, 'completed', true],
    ]);
    for (const action of reply.body.participant_import_actions) {
      expect(Object.keys(action).sort()).toEqual([...ACTION_KEYS].sort());
      expect(action.participant_import_id).toBe(id);
    }
  });

  it('rejects a missing or non-integer participant_import_id with 422 and answers 404 for an unknown one', async () => {
    const missing = await listActions('');
    const text = await listActions('?participant_import_id=abc');
    const unknown = await listActions('?participant_import_id=876543');

    expect(missing.status).toBe(422);
    expect(missing.body).toEqual({ errors: { participant_import_id: ['is required'] } });
    expect(text.status).toBe(422);
    expect(text.body).toEqual({ errors: { participant_import_id: ['must be integer'] } });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ errors: { base: ["Participant import '876543' not found"] } });
  });

  it("answers 404 for another tenant's participant import and action", async () => {
    const id = await createImport(freshEvent(), [{ external_id: 'iso-1' }]);
    const action = (await postAction({ participant_import_id: id })).body.participant_import_action;

    const list = await listActions(`?participant_import_id=${id}`, otherKey);
    const show = await showAction(action.id, otherKey);
    const unknown = await showAction(765432);
    const notInteger = await showAction('seven');

    expect(list.status).toBe(404);
    expect(show.status).toBe(404);
    expect(show.body).toEqual({ errors: { base: [`Participant import action '${action.id}' not found`] } });
    expect(unknown.status).toBe(404);
    expect(notInteger.status).toBe(404);
    expect((await finished(action.id)).status).toBe('completed');
  });
});

describe('A RedJade client, step by step', () => {
  it('posts participants, reviews them, creates the action, polls it to completion and finds the participants in the event', async () => {
    const eventId = freshEvent();
    await seed(eventId, [
      {
        external_id: '1001',
        email: 'ann@example.com',
        first_name: 'Ann',
        attributes: { 'Age Group': '18-24' },
      },
      { external_id: '1009', email: 'left@example.com', first_name: 'Left' },
    ]);

    // 1. POST the participants of the event.
    const posted = await postImport({
      event_id: eventId,
      participants: [
        {
          external_id: 1001,
          email: 'ann@example.com',
          first_name: 'Ann',
          last_name: 'Lee',
          demographics: { 'Age Group': '25-34' },
        },
        {
          external_id: '1002',
          email: 'Bob@Example.com',
          first_name: 'Bob',
          last_name: 'Ng',
          demographics: { 'Age Group': '35-44', Smoker: 'No' },
        },
      ],
    });
    expect(posted.status).toBe(201);
    const participantImportId = posted.body.participant_import_id;

    // 2. Review: one update, one creation, one participant of the event not in the payload.
    const review = await reviewed(participantImportId);
    expect(review).toMatchObject({
      status: 'ready',
      participant_count: 2,
      review: expect.objectContaining({
        total: 2,
        created: 1,
        updated: 1,
        invalid: 0,
        unmatched_participants: 1,
      }),
      participant_errors: [],
    });

    // 3. Proceed with the import, destroying the participant who left.
    const created = await postAction({
      participant_import_id: participantImportId,
      save_missing_categories: true,
      destroy_unmatched_participants: true,
    });
    expect(created.status).toBe(201);
    const actionId = created.body.participant_import_action.id;

    // 4. Poll the action until it is final.
    const done = await finished(actionId);
    expect(done).toMatchObject({
      id: actionId,
      participant_import_id: participantImportId,
      status: 'completed',
      counts: {
        total: 2,
        processed: 2,
        created: 1,
        updated: 1,
        unchanged: 0,
        destroyed: 1,
        skipped: 0,
        errors: 0,
      },
      error_message: null,
    });
    const index = await listActions(`?participant_import_id=${participantImportId}`);
    expect(index.body.participant_import_actions).toEqual([done]);

    // 5. The event holds exactly the payload's participants.
    const people = byExternalId(await peopleOf(workspaceOf(eventId), key));
    expect(Object.keys(people).sort()).toEqual(['1001', '1002']);
    expect(people['1001']).toMatchObject({
      email: 'ann@example.com',
      first_name: 'Ann',
      last_name: 'Lee',
      attributes: { 'Age Group': '25-34' },
    });
    expect(people['1002']).toMatchObject({
      email: 'bob@example.com',
      first_name: 'Bob',
      last_name: 'Ng',
      attributes: { 'Age Group': '35-44', Smoker: 'No' },
    });
  });
});
