import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { tables } from '../../../functions/resources.js';
import { DynamoWebAdmitRegistry } from '../../../functions/surfaces/webadmit/registry.dynamo.js';
import {
  type Body,
  call,
  createTenantKey,
  freshWorkspace,
  peopleOf,
  type Reply,
  runImport,
  waitForImport,
} from '../../helpers/http-client.js';
import { readState } from '../../helpers/runtime-state.js';

type BatchResultView = {
  custom_field_answer: { custom_field_id: number; label: string | null; field_type: string; value: unknown };
  applicant_cas_id: string;
  errors: Record<string, string> | null;
};
type BatchView = { href: string; batch: { id: number; status: string; results?: BatchResultView[] | null } };

const HREF_PATTERN = /^\/api\/v2\/user_identities\/\d+\/programs\/\d+\/batch_custom_field_answers\/\d+$/;
const STATUSES = ['Queued', 'In Progress', 'Available', 'Success With Errors', 'Failed'];
const UNFINISHED = ['Queued', 'In Progress'];
const DOC_USER_IDENTITY = 1;
const DOC_PROGRAM = 42023191739237;

const batchesPath = (userIdentityId: number | string, programId: number | string) =>
  `/api/v2/user_identities/${userIdentityId}/programs/${programId}/batch_custom_field_answers`;

let ids = Date.now() % 1_000_000_000;
/** A user identity and program id no other test of this run uses. */
const freshProgramIds = () => ({ userIdentityId: ids++, programId: ids++ });

const registerProgram = (body: Body, key?: string | null) =>
  call('POST', '/v1/webadmit/programs', { body, key });

/** Registers a program and returns its ids and workspace. */
async function program(key?: string, ids = freshProgramIds()) {
  const reply = await registerProgram(
    { user_identity_id: ids.userIdentityId, program_id: ids.programId },
    key,
  );
  if (reply.status !== 201 && reply.status !== 200)
    throw new Error(`registration answered ${reply.status}: ${reply.text}`);
  return { ...ids, workspace: reply.body.workspace as string };
}

async function createField(workspace: string, body: Body, key?: string): Promise<number> {
  const reply = await call('POST', `/v1/workspaces/${workspace}/fields`, { body, key });
  if (reply.status !== 201) throw new Error(`field answered ${reply.status}: ${reply.text}`);
  return reply.body.id as number;
}

/** Applicants are people with an applicant_cas_id, created through the native API. */
async function createApplicants(workspace: string, records: Body[], key?: string) {
  const { done } = await runImport(workspace, records, { match_on: ['applicant_cas_id'] }, key);
  if (done.status !== 'completed') throw new Error(`applicants import ended ${done.status}`);
}

const postBatch = (
  ids: { userIdentityId: number; programId: number },
  answers: unknown,
  key?: string | null,
) =>
  call<BatchView>('POST', batchesPath(ids.userIdentityId, ids.programId), {
    body: { custom_field_answers: answers },
    key,
  });

/** Polls the batch as a client would (every 200 ms here, 10 s in the document) until it is final. */
async function pollBatch(href: string, key?: string, timeoutMs = 60_000) {
  const seen: string[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reply = await call<BatchView>('GET', href, { key });
    if (reply.status !== 200) throw new Error(`GET ${href} answered ${reply.status}: ${reply.text}`);
    seen.push(reply.body.batch.status);
    if (!UNFINISHED.includes(reply.body.batch.status)) return { reply, seen };
    expect(reply.body.batch.results).toBeNull();
    if (Date.now() > deadline) throw new Error(`Batch ${href} still ${reply.body.batch.status}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const answer = (applicant_cas_id: string, custom_field_id: number, field_type: string, value: unknown) => ({
  applicant_cas_id,
  custom_field_id,
  field_type,
  value,
});

const attributesOf = async (workspace: string, cas: string, key?: string) => {
  const people = await peopleOf(workspace, key);
  return people.find((p) =>
    (p.identifiers as { kind: string; value: string }[]).some(
      (i) => i.kind === 'applicant_cas_id' && i.value === cas,
    ),
  )?.attributes as Record<string, unknown> | undefined;
};

const expectJson = (reply: Reply<unknown>) =>
  expect(reply.headers.get('content-type')).toMatch(/^application\/json/);

/** The registry on the runtime's table, as the handler builds it (to find a batch's engine import). */
const directRegistry = () => {
  const { env } = readState();
  const client = new DynamoDBClient({
    region: env.AWS_REGION,
    endpoint: env.AWS_ENDPOINT_URL_DYNAMODB ?? env.AWS_ENDPOINT_URL,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return new DynamoWebAdmitRegistry(
    DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }),
    env[tables.jobs.env] ?? '',
  );
};

describe('WebAdmit batch custom field answers: the document examples', () => {
  let key: string;
  let workspace: string;
  const docIds = { userIdentityId: DOC_USER_IDENTITY, programId: DOC_PROGRAM };

  beforeAll(async () => {
    // A tenant of its own, so the document's user identity 1 and program 42023191739237, and field
    // ids 99 and 123 (ids are counted per tenant), can be made exactly.
    key = await createTenantKey(`webadmit-doc-${Date.now().toString(36)}`);
    workspace = (await program(key, docIds)).workspace;
    const fillers = async (from: number, to: number) =>
      Promise.all(
        Array.from({ length: to - from + 1 }, (_, i) =>
          createField('webadmit-fillers', { key: `filler_${from + i}`, type: 'string' }, key),
        ),
      );
    await fillers(1, 98);
    expect(
      await createField(workspace, { key: 'citizen', label: 'Are you a citizen?', type: 'boolean' }, key),
    ).toBe(99);
    await fillers(100, 122);
    expect(
      await createField(
        workspace,
        { key: 'fruit', label: 'What is your favorite fruit?', type: 'string' },
        key,
      ),
    ).toBe(123);
    await createApplicants(
      workspace,
      [{ applicant_cas_id: '123456789', first_name: 'Ada', attributes: { citizen: true } }],
      key,
    );
  });

  it('answers the create example with 201, an href of the documented pattern and the status Queued', async () => {
    const reply = await call<BatchView>('POST', batchesPath(1, DOC_PROGRAM), {
      key: null,
      rawBody: `{
  "custom_field_answers": [
    {
      "applicant_cas_id": "123456789",
      "custom_field_id": 4,
      "field_type": "boolean",
      "value": false
    }
  ]
}`,
      headers: { 'Content-Type': 'application/json', 'x-api-key': key },
    });

    expect(reply.status).toBe(201);
    expectJson(reply);
    expect(reply.body).toEqual({
      href: expect.stringMatching(HREF_PATTERN),
      batch: { id: expect.any(Number), status: 'Queued' },
    });
    expect(Number.isInteger(reply.body.batch.id)).toBe(true);
    expect(reply.body.href).toBe(
      `/api/v2/user_identities/1/programs/42023191739237/batch_custom_field_answers/${reply.body.batch.id}`,
    );
    expect(reply.headers.get('location')).toBe(reply.body.href);
  });

  it('answers the show example, id in the query string too: Available, the boolean stored for field 99 and the unknown applicant of field 123', async () => {
    const created = await postBatch(
      docIds,
      [answer('123456789', 99, 'boolean', false), answer('987654321', 123, 'string', 'banana')],
      key,
    );
    const id = created.body.batch.id;
    const { reply: final } = await pollBatch(created.body.href, key);

    const reply = await call<BatchView>('GET', `${created.body.href}?id=${id}`, { key });

    expect(final.body).toEqual(reply.body);
    expect(reply.status).toBe(200);
    expectJson(reply);
    expect(reply.body).toEqual({
      href: `/api/v2/user_identities/1/programs/42023191739237/batch_custom_field_answers/${id}`,
      batch: {
        id,
        status: 'Available',
        results: [
          {
            custom_field_answer: {
              custom_field_id: 99,
              label: 'Are you a citizen?',
              field_type: 'boolean',
              value: false,
            },
            applicant_cas_id: '123456789',
            errors: null,
          },
          {
            custom_field_answer: {
              custom_field_id: 123,
              label: 'What is your favorite fruit?',
              field_type: 'string',
              value: 'banana',
            },
            applicant_cas_id: '987654321',
            errors: { applicant: 'No applicant found for that applicant_cas_id' },
          },
        ],
      },
    });
    expect(await attributesOf(workspace, '123456789', key)).toEqual({ citizen: false });
  });

  it('answers the first 422 example when custom_field_answers is missing', async () => {
    const reply = await call('POST', batchesPath(1, DOC_PROGRAM), { key, body: {} });

    expect(reply.status).toBe(422);
    expectJson(reply);
    expect(reply.body).toEqual({
      errors: { schema: ["The property '#/' did not contain a required property of 'custom_field_answers'"] },
    });
  });

  it('answers the second 422 example, naming the type integer, when a CAS id is a number', async () => {
    const reply = await postBatch(docIds, [answer(123456789 as unknown as string, 4, 'boolean', false)], key);

    expect(reply.status).toBe(422);
    expect(reply.body).toEqual({
      errors: {
        schema: [
          "The property '#/custom_field_answers/0/applicant_cas_id' of type integer did not match the following type: string",
        ],
      },
    });
  });

  it('answers the 404 examples for an unknown user identity and an unknown program, on both endpoints', async () => {
    const paths = [
      [batchesPath(999, DOC_PROGRAM), { message: "User identity '999' not found." }],
      [batchesPath(1, 99999999999), { message: "Program '99999999999' not found." }],
    ] as const;
    for (const [path, body] of paths) {
      const posted = await call('POST', path, {
        key,
        body: { custom_field_answers: [answer('1', 4, 'boolean', false)] },
      });
      const shown = await call('GET', `${path}/1`, { key });

      expect([posted.status, posted.body]).toEqual([404, body]);
      expect([shown.status, shown.body]).toEqual([404, body]);
      expectJson(posted);
    }
  });

  it('answers 401 with an empty body without a key or with an unknown one, on both endpoints', async () => {
    for (const auth of [null, 'ik_not_a_key']) {
      const posted = await call('POST', batchesPath(1, DOC_PROGRAM), { key: auth, body: {} });
      const shown = await call('GET', `${batchesPath(1, DOC_PROGRAM)}/1`, { key: auth });

      expect([posted.status, posted.text]).toEqual([401, '']);
      expect([shown.status, shown.text]).toEqual([401, '']);
    }
  });
});

describe('WebAdmit batch custom field answers: bad inputs', () => {
  let ids: { userIdentityId: number; programId: number; workspace: string };

  beforeAll(async () => {
    ids = await program();
  });

  it('answers 404 with the batch not found for an unknown batch id, one that is not a number, and one of another program', async () => {
    const other = await program(undefined, {
      userIdentityId: ids.userIdentityId,
      programId: ids.programId + 1_000_000,
    });
    const created = await postBatch(other, [answer('1', 1, 'string', 'x')]);

    const unknown = await call('GET', `${batchesPath(ids.userIdentityId, ids.programId)}/987654321`);
    const word = await call('GET', `${batchesPath(ids.userIdentityId, ids.programId)}/abc`);
    const foreign = await call(
      'GET',
      `${batchesPath(ids.userIdentityId, ids.programId)}/${created.body.batch.id}`,
    );

    expect([unknown.status, unknown.body]).toEqual([404, { message: "Batch '987654321' not found." }]);
    expect([word.status, word.body]).toEqual([404, { message: "Batch 'abc' not found." }]);
    expect([foreign.status, foreign.body]).toEqual([
      404,
      { message: `Batch '${created.body.batch.id}' not found.` },
    ]);
  });

  it('answers 404 naming the path text for ids that are not integers', async () => {
    const word = await call('GET', `${batchesPath('abc', ids.programId)}/1`);
    const program = await call('POST', batchesPath(ids.userIdentityId, '1.5'), { body: {} });

    expect([word.status, word.body]).toEqual([404, { message: "User identity 'abc' not found." }]);
    expect([program.status, program.body]).toEqual([404, { message: "Program '1.5' not found." }]);
  });

  it('answers an unknown route under the prefix with a WebAdmit 404 body', async () => {
    const reply = await call(
      'GET',
      `/api/v2/user_identities/${ids.userIdentityId}/programs/${ids.programId}/nothing`,
    );

    expect(reply.status).toBe(404);
    expect(reply.body).toEqual({ message: expect.stringMatching(/\.$/) });
  });

  it('answers 400 with a message for a body that is not JSON, and 422 for an empty one', async () => {
    const path = batchesPath(ids.userIdentityId, ids.programId);
    const broken = await call('POST', path, {
      rawBody: '{"custom_field_answers": [',
      headers: { 'content-type': 'application/json' },
    });
    const empty = await call('POST', path, { rawBody: '' });

    expect(broken.status).toBe(400);
    expect(broken.body).toEqual({ message: expect.stringContaining('not valid JSON') });
    expect(empty.status).toBe(422);
    expect(empty.body).toEqual({
      errors: { schema: ["The property '#/' did not contain a required property of 'custom_field_answers'"] },
    });
  });

  it('lists every schema problem of a body in one 422', async () => {
    const reply = await postBatch(ids, [
      { applicant_cas_id: '1', custom_field_id: 'x', field_type: 'colour', value: [1] },
      { custom_field_id: 2, field_type: 'string', value: 'a' },
    ]);

    expect(reply.status).toBe(422);
    expect(reply.body).toEqual({
      errors: {
        schema: [
          "The property '#/custom_field_answers/0/custom_field_id' of type string did not match the following type: integer",
          `The property '#/custom_field_answers/0/field_type' value "colour" did not match one of the following values: boolean, number, date, string, select`,
          "The property '#/custom_field_answers/0/value' of type array did not match one or more of the following types: boolean, string, number, null",
          "The property '#/custom_field_answers/1' did not contain a required property of 'applicant_cas_id'",
        ],
      },
    });
  });

  it('checks the path before the body: an unknown program with a bad body is a 404', async () => {
    const reply = await call('POST', batchesPath(ids.userIdentityId, 1), { body: { nothing: true } });

    expect([reply.status, reply.body]).toEqual([404, { message: "Program '1' not found." }]);
  });
});

describe('WebAdmit batch custom field answers: how answers are applied', () => {
  it('reports unknown fields, mismatched types, unfit values and superseded answers per answer, and stores typed values', async () => {
    const ids = await program();
    const { workspace } = ids;
    const city = await createField(workspace, { key: 'city', label: 'City', type: 'string' });
    const score = await createField(workspace, { key: 'score', label: 'Score', type: 'number' });
    const start = await createField(workspace, { key: 'start', label: 'Start date', type: 'date' });
    const colour = await createField(workspace, {
      key: 'colour',
      label: 'Colour',
      type: 'select',
      options: ['Red', 'Blue'],
    });
    const citizen = await createField(workspace, { key: 'citizen', label: 'Citizen', type: 'boolean' });
    const elsewhere = await createField(freshWorkspace('webadmit-other'), { key: 'city', type: 'string' });
    await createApplicants(workspace, [
      { applicant_cas_id: 'A1', attributes: { score: 1, citizen: true } },
      { applicant_cas_id: 'A2' },
    ]);

    const created = await postBatch(ids, [
      answer('A1', city, 'string', 'Paris'),
      answer('A1', score, 'number', '12.5'),
      answer('A1', start, 'date', '2024-03-01T00:30:00+02:00'),
      answer('A1', colour, 'select', 'blue'),
      answer('A1', citizen, 'boolean', null),
      answer('A1', 424242, 'string', 'x'),
      answer('A1', elsewhere, 'string', 'y'),
      answer('A2', citizen, 'string', 'yes'),
      answer('A2', score, 'number', 'abc'),
      answer('A1', city, 'string', 'Boston'),
    ]);
    const { reply } = await pollBatch(created.body.href);
    const results = reply.body.batch.results ?? [];

    expect(reply.body.batch.status).toBe('Available');
    expect(
      results.map((r) => [
        r.custom_field_answer.custom_field_id,
        r.custom_field_answer.label,
        r.custom_field_answer.value,
        r.errors,
      ]),
    ).toEqual([
      [
        city,
        'City',
        'Paris',
        {
          creation_error:
            'A newer update (setting custom_field_answers to {"field_type":"string","value":"Boston"}) is overriding this update',
        },
      ],
      [score, 'Score', 12.5, null],
      [start, 'Start date', '2024-03-01', null],
      [colour, 'Colour', 'Blue', null],
      [citizen, 'Citizen', null, null],
      [424242, null, 'x', { custom_field: 'No custom field found for that custom_field_id' }],
      [elsewhere, null, 'y', { custom_field: 'No custom field found for that custom_field_id' }],
      [
        citizen,
        'Citizen',
        'yes',
        { update_error: `Custom field ${citizen} is a boolean field; the answer's field_type is string` },
      ],
      [score, 'Score', 'abc', { update_error: `Custom field ${score}: 'abc' is not a number` }],
      [city, 'City', 'Boston', null],
    ]);
    expect(results.map((r) => r.applicant_cas_id)).toEqual([
      'A1',
      'A1',
      'A1',
      'A1',
      'A1',
      'A1',
      'A1',
      'A2',
      'A2',
      'A1',
    ]);
    expect(await attributesOf(workspace, 'A1')).toEqual({
      city: 'Boston',
      score: 12.5,
      start: '2024-03-01',
      colour: 'Blue',
    });
    expect(await attributesOf(workspace, 'A2')).toEqual({});
  });

  it('creates nobody for an unknown applicant and reports a batch of only refused answers as Available', async () => {
    const ids = await program();
    const fruit = await createField(ids.workspace, { key: 'fruit', type: 'string' });

    const created = await postBatch(ids, [
      answer('nobody', fruit, 'string', 'kiwi'),
      answer('not a cas id!', fruit, 'string', 'fig'),
    ]);
    const { reply } = await pollBatch(created.body.href);

    expect(reply.body.batch.status).toBe('Available');
    expect(reply.body.batch.results?.map((r) => r.errors)).toEqual([
      { applicant: 'No applicant found for that applicant_cas_id' },
      { applicant: 'No applicant found for that applicant_cas_id' },
    ]);
    expect(await peopleOf(ids.workspace)).toEqual([]);
  });

  it('reports a batch whose import was reverted through the native API as Failed, each answer saying so', async () => {
    const ids = await program();
    const fruit = await createField(ids.workspace, { key: 'fruit', type: 'string' });
    await createApplicants(ids.workspace, [{ applicant_cas_id: 'R1', attributes: { fruit: 'apple' } }]);
    const created = await postBatch(ids, [answer('R1', fruit, 'string', 'pear')]);
    await pollBatch(created.body.href);
    const batch = await directRegistry().getBatch('dev', created.body.batch.id);

    const revert = await call('POST', `/v1/imports/${batch?.import_id}/actions`, {
      body: { type: 'revert' },
    });
    await waitForImport(batch?.import_id as string);
    const { reply } = await pollBatch(created.body.href);

    expect(revert.status).toBe(202);
    expect(reply.body.batch.status).toBe('Failed');
    expect(reply.body.batch.results?.[0]?.errors).toEqual({
      update_error: 'This update was applied, then reverted',
    });
    expect(await attributesOf(ids.workspace, 'R1')).toEqual({ fruit: 'apple' });
  });

  it('counts batch ids per tenant, increasing', async () => {
    const ids = await program();

    const first = await postBatch(ids, [answer('X', 1, 'string', 'a')]);
    const second = await postBatch(ids, [answer('X', 1, 'string', 'a')]);

    expect(second.body.batch.id).toBe(first.body.batch.id + 1);
  });
});

describe('WebAdmit batch custom field answers: tenants', () => {
  it("keeps tenants apart: another tenant's user identities, programs, batches and fields are not found", async () => {
    const ids = await program();
    const fruit = await createField(ids.workspace, { key: 'fruit', type: 'string' });
    const created = await postBatch(ids, [answer('A', fruit, 'string', 'kiwi')]);
    const other = await createTenantKey(`webadmit-other-${Date.now().toString(36)}`);

    const unregistered = await call('GET', created.body.href, { key: other });
    await program(other, { userIdentityId: ids.userIdentityId, programId: ids.programId });
    const batch = await call('GET', created.body.href, { key: other });
    await createApplicants(ids.workspace, [{ applicant_cas_id: 'A' }], other);
    const theirs = await postBatch(ids, [answer('A', fruit, 'string', 'kiwi')], other);
    const { reply } = await pollBatch(theirs.body.href, other);

    expect([unregistered.status, unregistered.body]).toEqual([
      404,
      { message: `User identity '${ids.userIdentityId}' not found.` },
    ]);
    expect([batch.status, batch.body]).toEqual([
      404,
      { message: `Batch '${created.body.batch.id}' not found.` },
    ]);
    expect(reply.body.batch.results?.[0]?.errors).toEqual({
      custom_field: 'No custom field found for that custom_field_id',
    });
  });
});

describe('WebAdmit program registration (native)', () => {
  it('registers a program with 201, answers 200 when it is registered already, and 409 for another workspace', async () => {
    const { userIdentityId, programId } = freshProgramIds();

    const first = await registerProgram({ user_identity_id: userIdentityId, program_id: programId });
    const again = await registerProgram({ user_identity_id: userIdentityId, program_id: programId });
    const moved = await registerProgram({
      user_identity_id: userIdentityId,
      program_id: programId,
      workspace: 'elsewhere',
    });

    expect(first.status).toBe(201);
    expect(first.body).toEqual({
      object: 'webadmit_program',
      user_identity_id: userIdentityId,
      program_id: programId,
      workspace: `webadmit-${userIdentityId}-${programId}`,
      created_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
    });
    expect([again.status, again.body]).toEqual([200, first.body]);
    expect(moved.status).toBe(409);
    expect(moved.body).toEqual({ error: expect.objectContaining({ code: 'program_exists' }) });
  });

  it('maps a program onto a workspace of the client’s choice, whose applicants the batches update', async () => {
    const ids = freshProgramIds();
    const workspace = freshWorkspace('webadmit-chosen');
    const registered = await registerProgram({
      user_identity_id: ids.userIdentityId,
      program_id: ids.programId,
      workspace,
    });
    const fruit = await createField(workspace, { key: 'fruit', type: 'string' });
    await createApplicants(workspace, [{ applicant_cas_id: 'C1' }]);

    const created = await postBatch(ids, [answer('C1', fruit, 'string', 'plum')]);
    const { reply } = await pollBatch(created.body.href);

    expect(registered.body.workspace).toBe(workspace);
    expect(reply.body.batch.status).toBe('Available');
    expect(await attributesOf(workspace, 'C1')).toEqual({ fruit: 'plum' });
  });

  it('refuses a bad registration with the native 422, and a request without a key with the native 401', async () => {
    const bad = await registerProgram({ user_identity_id: '1', program_id: -1, extra: true });
    const anonymous = await registerProgram({ user_identity_id: 1, program_id: 1 }, null);

    expect(bad.status).toBe(422);
    expect(bad.body).toMatchObject({ error: { code: 'validation_failed' } });
    expect(
      (bad.body.error as { details: { pointer: string }[] }).details.map((d) => d.pointer).sort(),
    ).toEqual(['/extra', '/program_id', '/user_identity_id']);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toMatchObject({ error: { code: 'unauthorized' } });
    const broken = await call('POST', '/v1/webadmit/programs', {
      rawBody: '{"program_id": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(broken.status).toBe(400);
    expect(broken.body).toMatchObject({ error: { code: 'invalid_json' } });
    const empty = await call('POST', '/v1/webadmit/programs', { rawBody: '' });
    expect(empty.status).toBe(422);
    expect(empty.body).toMatchObject({ error: { code: 'validation_failed' } });
  });
});

describe('A WebAdmit client, step by step', () => {
  it('registers a program, creates fields and applicants, posts a batch and polls it to the documented results', async () => {
    // 1. The tenant registers the program (native API), which gives the workspace.
    const ids = freshProgramIds();
    const registered = await registerProgram({
      user_identity_id: ids.userIdentityId,
      program_id: ids.programId,
    });
    const workspace = registered.body.workspace as string;
    expect(registered.status).toBe(201);

    // 2. Custom fields and applicants, through the native API.
    const citizen = await createField(workspace, {
      key: 'citizen',
      label: 'Are you a citizen?',
      type: 'boolean',
    });
    const fruit = await createField(workspace, {
      key: 'fruit',
      label: 'What is your favorite fruit?',
      type: 'string',
    });
    await createApplicants(workspace, [
      { applicant_cas_id: '123456789', first_name: 'Ada' },
      { applicant_cas_id: '555000111', first_name: 'Grace', attributes: { fruit: 'apple' } },
    ]);

    // 3. The WebAdmit client posts a batch.
    const created = await postBatch(ids, [
      answer('123456789', citizen, 'boolean', false),
      answer('555000111', fruit, 'string', 'banana'),
      answer('987654321', fruit, 'string', 'banana'),
    ]);
    expect(created.status).toBe(201);
    expect(created.body.batch.status).toBe('Queued');

    // 4. It polls the href until the batch is final.
    const { reply, seen } = await pollBatch(created.body.href);
    for (const status of seen) expect(STATUSES).toContain(status);

    // 5. The results, as documented.
    expect(reply.body).toEqual({
      href: created.body.href,
      batch: {
        id: created.body.batch.id,
        status: 'Available',
        results: [
          {
            custom_field_answer: {
              custom_field_id: citizen,
              label: 'Are you a citizen?',
              field_type: 'boolean',
              value: false,
            },
            applicant_cas_id: '123456789',
            errors: null,
          },
          {
            custom_field_answer: {
              custom_field_id: fruit,
              label: 'What is your favorite fruit?',
              field_type: 'string',
              value: 'banana',
            },
            applicant_cas_id: '555000111',
            errors: null,
          },
          {
            custom_field_answer: {
              custom_field_id: fruit,
              label: 'What is your favorite fruit?',
              field_type: 'string',
              value: 'banana',
            },
            applicant_cas_id: '987654321',
            errors: { applicant: 'No applicant found for that applicant_cas_id' },
          },
        ],
      },
    });
    expect(await attributesOf(workspace, '123456789')).toEqual({ citizen: false });
    expect(await attributesOf(workspace, '555000111')).toEqual({ fruit: 'banana' });
  });
});
