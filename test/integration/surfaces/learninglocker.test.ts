import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { tables } from '../../../functions/resources.js';
import { learningLockerKeys } from '../../../functions/surfaces/learninglocker/registry.dynamo.js';
import {
  type Body,
  baseUrl,
  call,
  createTenantKey,
  peopleOf,
  type Reply,
} from '../../helpers/http-client.js';
import { readState } from '../../helpers/runtime-state.js';

/**
 * The Learning Locker surface (docs/compat.md#learninglocker) through HTTP: the persona import
 * model over the REST interface, the multipart upload, the process call, the model's progress to
 * STAGE_IMPORTED, merging personas in `primary` order, the error CSV, and the errors.
 */

type Column = { columnName: string; columnType: string; relatedColumn: string; primary: number | null };
type ImportErrorView = { row: number | null; rowErrors: string[] };
type Model = {
  _id: string;
  organisation: string;
  owner: string;
  title: string | null;
  csvHeaders: string[];
  structure: Record<string, Column>;
  importStage: string;
  importedAt: string | null;
  csvHandle: string | null;
  csvErrorHandle: string | null;
  totalCount: number;
  processedCount: number;
  importErrors: ImportErrorView[];
  result: { created: number; merged: number };
  createdAt: string;
  updatedAt: string;
};
type ErrorBody = { errorId: string; message: string; messages?: string[] };
type PersonView = {
  id: string;
  first_name: string | null;
  identifiers: Record<string, unknown>[];
  attributes: Record<string, unknown>;
};

/** The document's example model. */
const EXAMPLE = {
  _id: '59c1219936229d4ce9634601',
  organisation: '59c1219936229d4ce9634602',
  owner: '59c1219936229d4ce9634603',
  title: 'Example Persona Import',
  csvHeaders: ['Full Name', 'Moodle User ID', 'Moodle Home Page', 'Age'],
  structure: {
    'Full Name': { columnName: 'Full Name', columnType: 'COLUMN_NAME', relatedColumn: '', primary: null },
    'Moodle User ID': {
      columnName: 'Moodle User ID',
      columnType: 'COLUMN_ACCOUNT_VALUE',
      relatedColumn: 'Moodle Home Page',
      primary: null,
    },
    'Moodle Home Page': {
      columnName: 'Moodle Home Page',
      columnType: 'COLUMN_ACCOUNT_KEY',
      relatedColumn: 'Moodle User ID',
      primary: 1,
    },
    Age: { columnName: 'Age', columnType: 'COLUMN_ATTRIBUTE_DATA', relatedColumn: '', primary: null },
  },
};
const EXAMPLE_CSV = [
  'Full Name,Moodle User ID,Moodle Home Page,Age',
  'Ada Lovelace,42,https://moodle.example.org,36',
  'Alan Turing,43,https://moodle.example.org,41',
].join('\r\n');

const MODEL_KEYS = [
  '_id',
  'organisation',
  'owner',
  'title',
  'csvHeaders',
  'structure',
  'importStage',
  'importedAt',
  'csvHandle',
  'csvErrorHandle',
  'totalCount',
  'processedCount',
  'importErrors',
  'result',
  'createdAt',
  'updatedAt',
].sort();
const STAGES = ['STAGE_UPLOAD', 'STAGE_CONFIGURE_FIELDS', 'STAGE_PROCESSING', 'STAGE_IMPORTED'];
const OBJECT_ID = /^[0-9a-f]{24}$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const BOUNDARY = 'IntakeFormBoundary7MA4YWxkTrZu0gW';

let hex = Date.now();
/** A 24-hex ObjectId-like id no other test of this run uses (organisations). */
const freshObjectId = () => (hex++).toString(16).padStart(24, 'a');

const basic = (key: string) => ({
  authorization: `Basic ${Buffer.from(`client:${key}`).toString('base64')}`,
});

/**
 * The upload as the document writes it: `Content-Disposition form-data` (no colon), a
 * Content-Length per part, and a blank line after each part's content.
 */
const documentedForm = (id: string, csv: string) =>
  [
    `--${BOUNDARY}`,
    'Content-Disposition form-data; name="id"',
    `Content-Length: ${id.length}`,
    '',
    id,
    '',
    `--${BOUNDARY}`,
    'Content-Disposition form-data; name="file"; filename="import.csv"',
    `Content-Length: ${Buffer.byteLength(csv)}`,
    'Content-Type: text/csv',
    '',
    csv,
    '',
    `--${BOUNDARY}--`,
    '',
  ].join('\r\n');

/** The upload as HTML forms and `curl -F` send it. */
const standardForm = (parts: { id?: string; csv?: string; filename?: string }) =>
  [
    ...(parts.id === undefined
      ? []
      : [`--${BOUNDARY}`, 'Content-Disposition: form-data; name="id"', '', parts.id]),
    ...(parts.csv === undefined
      ? []
      : [
          `--${BOUNDARY}`,
          `Content-Disposition: form-data; name="file"; filename="${parts.filename ?? 'people.csv'}"`,
          'Content-Type: text/csv',
          '',
          parts.csv,
        ]),
    `--${BOUNDARY}--`,
    '',
  ].join('\r\n');

const multipartHeaders = { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` };

/** The three requests of the document, and the reads, for one tenant key. */
function client(key: string) {
  return {
    create: (body: Body) => call<Model>('POST', '/api/v2/personasImport', { key, body }),
    get: (id: string) => call<Model>('GET', `/api/v2/personasImport/${id}`, { key }),
    patch: (id: string, body: Body) => call<Model>('PATCH', `/api/v2/personasImport/${id}`, { key, body }),
    upload: (id: string, csv: string) =>
      call<Model>('POST', '/api/uploadpersonas', {
        key: null,
        headers: { ...basic(key), ...multipartHeaders },
        rawBody: standardForm({ id, csv }),
      }),
    process: (id: string) =>
      call<Model>('POST', '/api/importpersonas', {
        key: null,
        headers: { ...basic(key), 'content-type': 'application/json; charset=utf-8' },
        body: { id },
      }),
  };
}

/** Polls the model until it is STAGE_IMPORTED. */
async function waitImported(key: string, id: string, timeoutMs = 60_000): Promise<Model> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reply = await call<Model>('GET', `/api/v2/personasImport/${id}`, { key });
    if (reply.status !== 200) throw new Error(`GET answered ${reply.status}: ${reply.text}`);
    if (reply.body.importStage === 'STAGE_IMPORTED') return reply.body;
    if (Date.now() > deadline) throw new Error(`still ${reply.body.importStage} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Creates, uploads and processes one import; returns the imported model. */
async function runPersonasImport(key: string, body: Body, csv: string): Promise<Model> {
  const api = client(key);
  const created = await api.create(body);
  if (created.status !== 201) throw new Error(`create answered ${created.status}: ${created.text}`);
  const uploaded = await api.upload(created.body._id, csv);
  if (uploaded.status !== 200) throw new Error(`upload answered ${uploaded.status}: ${uploaded.text}`);
  if (body.structure !== undefined) {
    const patched = await api.patch(created.body._id, { structure: body.structure });
    if (patched.status !== 200) throw new Error(`patch answered ${patched.status}: ${patched.text}`);
  }
  const processed = await api.process(created.body._id);
  if (processed.status !== 200) throw new Error(`process answered ${processed.status}: ${processed.text}`);
  return waitImported(key, created.body._id);
}

const expectErrorBody = (reply: Reply<ErrorBody>, status: number, message?: RegExp) => {
  expect(reply.status).toBe(status);
  expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
  expect(reply.body.errorId).toMatch(UUID);
  expect(typeof reply.body.message).toBe('string');
  if (message) expect(reply.body.message).toMatch(message);
};

const column = (
  columnName: string,
  columnType: string,
  relatedColumn = '',
  primary: number | null = null,
) => ({
  columnName,
  columnType,
  relatedColumn,
  primary,
});

/** The item the registry keeps for a model, read straight from the runtime's jobs table. */
async function storedItem(tenantId: string, id: string) {
  const { env } = readState();
  const dynamo = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      region: env.AWS_REGION,
      endpoint: env.AWS_ENDPOINT_URL_DYNAMODB ?? env.AWS_ENDPOINT_URL,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
  );
  const out = await dynamo.send(
    new GetCommand({ TableName: env[tables.jobs.env], Key: learningLockerKeys.personasImport(tenantId, id) }),
  );
  dynamo.destroy();
  return out.Item;
}

describe('Learning Locker persona imports', () => {
  const tenant = `ll-${Date.now().toString(36)}`;
  let key: string;
  let api: ReturnType<typeof client>;

  beforeAll(async () => {
    key = await createTenantKey(tenant);
    api = client(key);
  });

  describe('the documented example', () => {
    it('creates the example model: 201 with every documented field, at STAGE_UPLOAD', async () => {
      const reply = await api.create(EXAMPLE);

      expect(reply.status).toBe(201);
      expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
      const model = reply.body;
      expect(Object.keys(model).sort()).toEqual(MODEL_KEYS);
      expect(model._id).toBe(EXAMPLE._id);
      expect(model.organisation).toBe(EXAMPLE.organisation);
      expect(model.owner).toBe(EXAMPLE.owner);
      expect(model.title).toBe(EXAMPLE.title);
      // csvHeaders are read-only: they come from the upload.
      expect(model.csvHeaders).toEqual([]);
      expect(model.structure).toEqual(EXAMPLE.structure);
      expect(model.importStage).toBe('STAGE_UPLOAD');
      expect(model.importedAt).toBeNull();
      expect(model.csvHandle).toBeNull();
      expect(model.csvErrorHandle).toBeNull();
      expect(model.totalCount).toBe(0);
      expect(model.processedCount).toBe(0);
      expect(model.importErrors).toEqual([]);
      expect(model.result).toEqual({ created: 0, merged: 0 });
      expect(model.createdAt).toMatch(ISO);
      expect(model.updatedAt).toMatch(ISO);
    });

    it('uploads the CSV in the documented multipart shape with Basic auth: 200, headers read, the structure kept', async () => {
      const reply = await call<Model>('POST', '/api/uploadpersonas', {
        key: null,
        headers: { ...basic(key), ...multipartHeaders },
        rawBody: documentedForm(EXAMPLE._id, EXAMPLE_CSV),
      });

      expect(reply.status).toBe(200);
      expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
      expect(Object.keys(reply.body).sort()).toEqual(MODEL_KEYS);
      expect(reply.body.importStage).toBe('STAGE_CONFIGURE_FIELDS');
      expect(reply.body.csvHeaders).toEqual(EXAMPLE.csvHeaders);
      expect(reply.body.structure).toEqual(EXAMPLE.structure);
      expect(reply.body.totalCount).toBe(2);
      expect(reply.body.processedCount).toBe(0);
      expect(typeof reply.body.csvHandle).toBe('string');
      expect(reply.body.title).toBe(EXAMPLE.title);
    });

    it('processes it: 200 at STAGE_PROCESSING, then STAGE_IMPORTED with every row counted', async () => {
      const reply = await api.process(EXAMPLE._id);

      expect(reply.status).toBe(200);
      expect(Object.keys(reply.body).sort()).toEqual(MODEL_KEYS);
      expect(['STAGE_PROCESSING', 'STAGE_IMPORTED']).toContain(reply.body.importStage);

      const model = await waitImported(key, EXAMPLE._id);
      expect(model.processedCount).toBe(model.totalCount);
      expect(model.totalCount).toBe(2);
      expect(model.result).toEqual({ created: 2, merged: 0 });
      expect(model.importErrors).toEqual([]);
      expect(model.importedAt).toMatch(ISO);
      expect(typeof model.csvErrorHandle).toBe('string');
      expect(model.structure).toEqual(EXAMPLE.structure);
    });

    it('stores personas with the account identifier, the name and the attribute in the organisation workspace', async () => {
      const people = (await peopleOf(`ll-${EXAMPLE.organisation}`, key)) as PersonView[];

      expect(people).toHaveLength(2);
      const ada = people.find((p) => p.first_name === 'Ada Lovelace');
      expect(ada).toBeDefined();
      expect(ada?.identifiers).toEqual([
        { kind: 'account', home_page: 'https://moodle.example.org', name: '42' },
      ]);
      expect(ada?.attributes).toEqual({ Age: '36' });
    });

    it('refuses a second process call once it was processed: 409 with Learning Locker message', async () => {
      const reply = await api.process(EXAMPLE._id);

      expectErrorBody(reply as unknown as Reply<ErrorBody>, 409);
      expect((reply.body as unknown as ErrorBody).message).toBe(
        `personasImport - ${EXAMPLE._id} cannot be processed in it's current state.`,
      );
    });

    it('refuses to create a second model with the same _id: 409', async () => {
      expectErrorBody((await api.create(EXAMPLE)) as unknown as Reply<ErrorBody>, 409);
    });
  });

  describe('the step-by-step client', () => {
    it('follows the document: create, upload, process with Basic auth, then polls to STAGE_IMPORTED', async () => {
      const organisation = freshObjectId();
      const auth = basic(key);
      // 1. Create the persona import model via the REST HTTP interface.
      const created = await call<Model>('POST', '/api/v2/personasImport', {
        key: null,
        headers: auth,
        body: { organisation, title: 'HR export', structure: EXAMPLE.structure },
      });
      expect(created.status).toBe(201);
      expect(created.body._id).toMatch(OBJECT_ID);
      expect(created.body.importStage).toBe('STAGE_UPLOAD');
      const id = created.body._id;

      // 2. Upload the CSV via the upload HTTP interface.
      const uploaded = await call<Model>('POST', '/api/uploadpersonas', {
        key: null,
        headers: { ...auth, ...multipartHeaders },
        rawBody: documentedForm(id, EXAMPLE_CSV),
      });
      expect(uploaded.status).toBe(200);
      expect(uploaded.body.importStage).toBe('STAGE_CONFIGURE_FIELDS');

      // 3. Process the persona import model via the process HTTP interface.
      const processed = await call<Model>('POST', '/api/importpersonas', {
        key: null,
        headers: { ...auth, 'content-type': 'application/json; charset=utf-8' },
        rawBody: JSON.stringify({ id }),
      });
      expect(processed.status).toBe(200);

      const stages = new Set<string>([created.body.importStage, uploaded.body.importStage]);
      let model = processed.body;
      while (model.importStage !== 'STAGE_IMPORTED') {
        stages.add(model.importStage);
        await new Promise((resolve) => setTimeout(resolve, 200));
        const reply = await call<Model>('GET', `/api/v2/personasImport/${id}`, { key: null, headers: auth });
        expect(reply.status).toBe(200);
        expect(reply.body.processedCount).toBeLessThanOrEqual(reply.body.totalCount);
        model = reply.body;
      }
      expect(stages.has('STAGE_PROCESSING')).toBe(true);
      expect([...stages].every((stage) => STAGES.includes(stage))).toBe(true);
      expect(model).toMatchObject({
        _id: id,
        organisation,
        title: 'HR export',
        csvHeaders: EXAMPLE.csvHeaders,
        totalCount: 2,
        processedCount: 2,
        importErrors: [],
        result: { created: 2, merged: 0 },
      });
      expect(await peopleOf(`ll-${organisation}`, key)).toHaveLength(2);
    });
  });

  describe('the model over the REST interface', () => {
    it('gives a model created without organisation, owner or title the tenant defaults and the file name', async () => {
      const created = await api.create({});
      expect(created.status).toBe(201);
      expect(created.body.organisation).toMatch(OBJECT_ID);
      expect(created.body.owner).toMatch(OBJECT_ID);
      expect(created.body.title).toBeNull();
      expect(created.body.structure).toEqual({});

      const uploaded = await call<Model>('POST', '/api/uploadpersonas', {
        key: null,
        headers: { ...basic(key), ...multipartHeaders },
        rawBody: standardForm({
          id: created.body._id,
          csv: 'Name,Email,Age\nAda,ada@example.com,36\n',
          filename: 'hr.csv',
        }),
      });
      expect(uploaded.status).toBe(200);
      expect(uploaded.body.title).toBe('hr.csv');
      // Proposed from the headers.
      expect(uploaded.body.structure).toEqual({
        Name: column('Name', 'COLUMN_NAME'),
        Email: column('Email', 'COLUMN_MBOX'),
        Age: column('Age', 'COLUMN_ATTRIBUTE_DATA'),
      });
      const again = await api.create({});
      expect(again.body.organisation).toBe(created.body.organisation);
      expect(again.body.owner).toBe(created.body.owner);
    });

    it('reads a model by id on both spellings of the path, and lists and counts by organisation', async () => {
      const organisation = freshObjectId();
      const first = await api.create({ organisation, title: 'first' });
      const second = await api.create({ organisation, title: 'second' });
      await api.create({ organisation: freshObjectId(), title: 'elsewhere' });

      const lower = await call<Model>('GET', `/api/v2/personasimport/${first.body._id}`, { key });
      expect(lower.status).toBe(200);
      expect(lower.body.title).toBe('first');

      const query = encodeURIComponent(JSON.stringify({ organisation }));
      const listed = await call<Model[]>('GET', `/api/v2/personasImport?query=${query}`, { key });
      expect(listed.status).toBe(200);
      expect(listed.body.map((m) => m._id)).toEqual([first.body._id, second.body._id]);
      expect(Object.keys(listed.body[0] ?? {}).sort()).toEqual(MODEL_KEYS);

      const newest = await call<Model[]>(
        'GET',
        `/api/v2/personasImport?query=${query}&sort=-createdAt&limit=1`,
        {
          key,
        },
      );
      expect(newest.body.map((m) => m.title)).toEqual(['second']);
      const skipped = await call<Model[]>('GET', `/api/v2/personasImport?query=${query}&skip=1`, { key });
      expect(skipped.body.map((m) => m.title)).toEqual(['second']);

      const counted = await call('GET', `/api/v2/personasImport/count?query=${query}`, { key });
      expect(counted.status).toBe(200);
      expect(counted.body).toEqual({ count: 2 });
    });

    it('refuses a list query it does not support: 400', async () => {
      const query = encodeURIComponent(JSON.stringify({ importStage: { $ne: 'x' } }));
      expectErrorBody(await call('GET', `/api/v2/personasImport?query=${query}`, { key }), 400);
      expectErrorBody(await call('GET', '/api/v2/personasImport?query=nope', { key }), 400);
      expectErrorBody(await call('GET', '/api/v2/personasImport?sort=owner', { key }), 400);
      expectErrorBody(await call('GET', '/api/v2/personasImport?limit=0', { key }), 400);
      expectErrorBody(await call('GET', `/api/v2/personasImport/count?query=${query}`, { key }), 400);
      expectErrorBody(await call('GET', '/api/v2/personasImport/count?query=nope', { key }), 400);
    });

    it.each([
      'PUT',
      'POST',
    ])('updates a model with %s as with PATCH, and refuses a bad body: 400', async (method) => {
      const created = await api.create({ title: 'before' });
      const id = created.body._id;
      await api.upload(id, 'Email,Team\nada@example.com,red\n');
      const structure = { Email: column('Email', 'COLUMN_MBOX', '', 1), Team: column('Team', '') };

      const changed = await call<Model>(method, `/api/v2/personasImport/${id}`, {
        key,
        body: { title: 'after', structure },
      });
      expect(changed.status).toBe(200);
      expect(changed.body).toMatchObject({
        title: 'after',
        structure,
        importStage: 'STAGE_CONFIGURE_FIELDS',
      });

      expectErrorBody(
        await call(method, `/api/v2/personasImport/${id}`, { key, body: { title: 42, structure: 'x' } }),
        400,
      );
      expectErrorBody(
        await call(method, `/api/v2/personasImport/${id}`, {
          key,
          rawBody: '{"title":',
          headers: { 'content-type': 'application/json' },
        }),
        400,
      );
      expect((await api.get(id)).body).toMatchObject({ title: 'after', structure });
    });

    it('updates the title and the structure with PATCH, and ignores read-only fields', async () => {
      const created = await api.create({ title: 'before' });
      const id = created.body._id;
      await api.upload(id, 'Email,Team\nada@example.com,red\n');

      const structure = { Email: column('Email', 'COLUMN_MBOX', '', 1), Team: column('Team', '') };
      const patched = await api.patch(id, {
        ...created.body,
        title: 'after',
        structure,
        importStage: 'STAGE_IMPORTED',
        totalCount: 99,
      });

      expect(patched.status).toBe(200);
      expect(patched.body.title).toBe('after');
      expect(patched.body.structure).toEqual(structure);
      expect(patched.body.importStage).toBe('STAGE_CONFIGURE_FIELDS');
      expect(patched.body.totalCount).toBe(1);
      expect((await api.get(id)).body.structure).toEqual(structure);
    });

    it('fills the columns a PATCHed structure leaves out as not imported', async () => {
      const { body } = await api.create({});
      await api.upload(body._id, 'Email,Team\nada@example.com,red\n');

      const patched = await api.patch(body._id, { structure: { Email: column('Email', 'COLUMN_MBOX') } });

      expect(patched.status).toBe(200);
      expect(patched.body.structure).toEqual({
        Email: column('Email', 'COLUMN_MBOX'),
        Team: column('Team', ''),
      });
    });

    it('refuses to change the structure once processing was requested: 409', async () => {
      const model = await runPersonasImport(
        key,
        { organisation: freshObjectId() },
        'Email\nada@example.com\n',
      );
      const reply = await api.patch(model._id, { structure: { Email: column('Email', 'COLUMN_OPENID') } });

      expectErrorBody(reply as unknown as Reply<ErrorBody>, 409);
      const retitled = await api.patch(model._id, { title: 'renamed', structure: model.structure });
      expect(retitled.status).toBe(200);
      expect(retitled.body.title).toBe('renamed');
    });
  });

  describe('structure validation', () => {
    const invalid: [string, Body, RegExp][] = [
      [
        'an account key column bound to no column',
        {
          'Home Page': column('Home Page', 'COLUMN_ACCOUNT_KEY'),
          User: column('User', 'COLUMN_ACCOUNT_VALUE', 'Home Page'),
        },
        /Home Page is not bound to another column/,
      ],
      [
        'an account value column whose key column points elsewhere',
        {
          'Home Page': column('Home Page', 'COLUMN_ACCOUNT_KEY', 'Other'),
          User: column('User', 'COLUMN_ACCOUNT_VALUE', 'Home Page'),
          Other: column('Other', 'COLUMN_ACCOUNT_VALUE', 'Home Page'),
        },
        /bound multiple times/,
      ],
      [
        'a key column bound to a column that does not point back',
        {
          'Home Page': column('Home Page', 'COLUMN_ACCOUNT_KEY', 'User'),
          User: column('User', 'COLUMN_ACCOUNT_VALUE'),
        },
        /Home Page is bound to User but User is not bound to Home Page/,
      ],
      [
        'two key columns bound to each other',
        {
          A: column('A', 'COLUMN_ACCOUNT_KEY', 'B'),
          B: column('B', 'COLUMN_ACCOUNT_KEY', 'A'),
        },
        /A is bound to B but B is of an invalid type/,
      ],
      [
        'a related column on a column that takes none',
        { Email: column('Email', 'COLUMN_MBOX', 'Age'), Age: column('Age', 'COLUMN_ATTRIBUTE_DATA') },
        /Email is related to Age but COLUMN_MBOX should have no relation/,
      ],
      [
        'two columns with the same primary',
        { Email: column('Email', 'COLUMN_MBOX', '', 1), OpenID: column('OpenID', 'COLUMN_OPENID', '', 1) },
        /Primary must be unique/,
      ],
      [
        'a primary that is not an integer',
        { Email: column('Email', 'COLUMN_MBOX', '', 1.5) },
        /Primary order must be an Integer/,
      ],
      [
        'an unknown column type',
        { Email: column('Email', 'COLUMN_EMAIL') },
        /unknown columnType "COLUMN_EMAIL"/,
      ],
      [
        'two name columns',
        { A: column('A', 'COLUMN_NAME'), B: column('B', 'COLUMN_NAME') },
        /You can not select multiple "Full name"/,
      ],
      [
        'a columnName that is not its key',
        { Email: column('Mail', 'COLUMN_MBOX') },
        /columnName must be "Email"/,
      ],
    ];

    it.each(
      invalid,
    )('refuses %s when a model is created: 400 naming the problem', async (_what, structure, message) => {
      const reply = await call<ErrorBody>('POST', '/api/v2/personasImport', { key, body: { structure } });

      expectErrorBody(reply, 400, /^PersonasImport validation failed: structure: /);
      expect(reply.body.message).toMatch(message);
      expect(reply.body.messages?.some((m) => message.test(m))).toBe(true);
    });

    it.each(
      invalid,
    )('refuses %s in a PATCH: 400, and keeps the structure', async (_what, structure, message) => {
      const { body } = await api.create({ structure: { Email: column('Email', 'COLUMN_MBOX') } });

      const reply = await call<ErrorBody>('PATCH', `/api/v2/personasImport/${body._id}`, {
        key,
        body: { structure },
      });

      expectErrorBody(reply, 400, message);
      expect((await api.get(body._id)).body.structure).toEqual({ Email: column('Email', 'COLUMN_MBOX') });
    });

    it('refuses a structure naming a column the uploaded CSV does not have: 400', async () => {
      const { body } = await api.create({});
      await api.upload(body._id, 'Email\nada@example.com\n');

      const reply = await call<ErrorBody>('PATCH', `/api/v2/personasImport/${body._id}`, {
        key,
        body: { structure: { Mail: column('Mail', 'COLUMN_MBOX') } },
      });

      expectErrorBody(reply, 400, /Mail is not a column of the CSV/);
    });

    it('refuses a body whose fields have the wrong types: 400 naming each', async () => {
      const reply = await call<ErrorBody>('POST', '/api/v2/personasImport', {
        key,
        body: { organisation: 'acme', title: 7, structure: [] },
      });

      expectErrorBody(reply, 400, /^PersonasImport validation failed: /);
      expect(reply.body.messages).toEqual(
        expect.arrayContaining([expect.stringMatching(/^organisation: /), expect.stringMatching(/^title: /)]),
      );
    });

    it('refuses a body that is not JSON: 400', async () => {
      const reply = await call<ErrorBody>('POST', '/api/v2/personasImport', {
        key,
        rawBody: '{"title":',
        headers: { 'content-type': 'application/json' },
      });

      expectErrorBody(reply, 400, /not valid JSON/);
    });
  });

  describe('uploads', () => {
    const uploadRaw = (rawBody: string, headers: Record<string, string> = multipartHeaders) =>
      call<ErrorBody>('POST', '/api/uploadpersonas', {
        key: null,
        headers: { ...basic(key), ...headers },
        rawBody,
      });

    it('refuses an empty CSV: 400, and the model stays at STAGE_UPLOAD', async () => {
      const { body } = await api.create({});

      expectErrorBody(await uploadRaw(standardForm({ id: body._id, csv: '' })), 400, /empty/i);
      expectErrorBody(await uploadRaw(standardForm({ id: body._id, csv: '\r\n  \r\n' })), 400, /empty/i);
      expect((await api.get(body._id)).body.importStage).toBe('STAGE_UPLOAD');
    });

    it('refuses duplicate headers: 400 naming the header', async () => {
      const { body } = await api.create({});

      const reply = await uploadRaw(
        standardForm({ id: body._id, csv: 'Email,Age,email\na@b.co,1,c@d.co\n' }),
      );

      expectErrorBody(reply, 400, /email/);
      expect((await api.get(body._id)).body.csvHeaders).toEqual([]);
    });

    it('refuses a form without the id or the file part, and a body that is not a form: 400', async () => {
      expectErrorBody(await uploadRaw(standardForm({ csv: 'Email\na@b.co\n' })), 400, /id/);
      expectErrorBody(await uploadRaw(standardForm({ id: freshObjectId() })), 400, /file/);
      expectErrorBody(await uploadRaw('Email\na@b.co\n', { 'content-type': 'text/csv' }), 400, /multipart/);
    });

    it('reads a Windows-1252 CSV sent with an encoding part windows-1252: José is imported as José', async () => {
      // Prepare: Excel's plain "CSV" on Windows, é as the single byte E9.
      const organisation = freshObjectId();
      const structure = { Email: column('Email', 'COLUMN_MBOX'), Name: column('Name', 'COLUMN_NAME') };
      const { body } = await api.create({ organisation, structure });
      const form = (encoding?: string) =>
        Buffer.concat([
          Buffer.from(
            [
              `--${BOUNDARY}`,
              'Content-Disposition: form-data; name="id"',
              '',
              body._id,
              ...(encoding === undefined
                ? []
                : [`--${BOUNDARY}`, 'Content-Disposition: form-data; name="encoding"', '', encoding]),
              `--${BOUNDARY}`,
              'Content-Disposition: form-data; name="file"; filename="people.csv"',
              'Content-Type: text/csv',
              '',
              '',
            ].join('\r\n'),
          ),
          Buffer.from('Email,Name\r\njose@x.io,José\r\n', 'latin1'),
          Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
        ]);
      const send = async (encoding?: string) => {
        const response = await fetch(`${baseUrl()}/api/uploadpersonas`, {
          method: 'POST',
          headers: { ...basic(key), ...multipartHeaders },
          body: form(encoding),
        });
        return { status: response.status, body: (await response.json()) as Model & ErrorBody };
      };

      // Act
      const withoutEncoding = await send();
      const unknownEncoding = await send('klingon');
      const uploaded = await send('windows-1252');
      const processed = await api.process(body._id);
      const model = await waitImported(key, body._id);

      // Assess
      expect(withoutEncoding.status).toBe(400);
      expect(withoutEncoding.body.message).toMatch(/windows-1252/);
      expect(unknownEncoding.status).toBe(400);
      expect(unknownEncoding.body.message).toMatch(/encoding 'klingon'/);
      expect(uploaded.status).toBe(200);
      expect(uploaded.body).toMatchObject({ csvHeaders: ['Email', 'Name'], totalCount: 1 });
      expect(processed.status).toBe(200);
      expect(model).toMatchObject({ processedCount: 1, importErrors: [], result: { created: 1, merged: 0 } });
      const people = (await peopleOf(`ll-${organisation}`, key)) as PersonView[];
      expect(people.map((p) => p.first_name)).toEqual(['José']);
    });

    it('answers 404 for an unknown id', async () => {
      expectErrorBody(await uploadRaw(standardForm({ id: freshObjectId(), csv: 'Email\na@b.co\n' })), 404);
      expectErrorBody(await uploadRaw(standardForm({ id: 'not-an-id', csv: 'Email\na@b.co\n' })), 404);
    });

    it('takes a new CSV before processing, with its own headers and count', async () => {
      const { body } = await api.create({});
      await api.upload(body._id, 'Email\na@b.co\n');

      const again = await api.upload(body._id, 'Email,Name\na@b.co,A\nc@d.co,C\n');

      expect(again.status).toBe(200);
      expect(again.body.csvHeaders).toEqual(['Email', 'Name']);
      expect(again.body.totalCount).toBe(2);
      expect(again.body.structure).toEqual({
        Email: column('Email', 'COLUMN_MBOX'),
        Name: column('Name', ''),
      });
    });

    it('refuses a new CSV once the import was processed: 409', async () => {
      const model = await runPersonasImport(key, { organisation: freshObjectId() }, 'Email\na@b.co\n');

      const reply = await api.upload(model._id, 'Email\nc@d.co\n');

      expectErrorBody(reply as unknown as Reply<ErrorBody>, 409, /cannot take a new CSV/);
      expect((await api.get(model._id)).body.totalCount).toBe(1);
    });

    it('keeps the model in the jobs table under the tenant, expiring 90 days after the upload', async () => {
      const { body } = await api.create({});
      const created = await storedItem(tenant, body._id);
      expect(created?.expires_at).toBe(Math.floor(Date.parse(body.createdAt) / 1000) + 90 * 24 * 3600);

      await api.upload(body._id, 'Email\na@b.co\n');
      const uploaded = await storedItem(tenant, body._id);

      expect(uploaded?.pk).toBe(`T#${tenant}#LL#PERSONAS_IMPORT`);
      expect(uploaded?.expires_at).toBe(
        Math.floor(Date.parse(String(uploaded?.uploaded_at)) / 1000) + 90 * 24 * 3600,
      );
      expect(uploaded?.expires_at).toBeGreaterThanOrEqual(Number(created?.expires_at));
    });

    it('proposes the structure of the organisation’s latest processed import with the same headers', async () => {
      const organisation = freshObjectId();
      const structure = {
        Mail: column('Mail', 'COLUMN_MBOX', '', 2),
        Login: column('Login', 'COLUMN_OPENID', '', 1),
      };
      await runPersonasImport(
        key,
        { organisation, structure },
        'Mail,Login\na@b.co,https://id.example.org/a\n',
      );

      const { body } = await api.create({ organisation });
      const uploaded = await api.upload(body._id, 'Mail,Login,Extra\nc@d.co,https://id.example.org/c,x\n');

      expect(uploaded.body.structure).toEqual({ ...structure, Extra: column('Extra', '') });
    });
  });

  describe('processing', () => {
    it('refuses importpersonas before an upload, twice while it runs, and for an unknown id', async () => {
      const { body } = await api.create({});
      expectErrorBody(
        (await api.process(body._id)) as unknown as Reply<ErrorBody>,
        409,
        /cannot be processed/,
      );

      await api.upload(body._id, 'Email\na@b.co\n');
      const first = await api.process(body._id);
      const second = await api.process(body._id);

      expect(first.status).toBe(200);
      expectErrorBody(second as unknown as Reply<ErrorBody>, 409);
      expect((second.body as unknown as ErrorBody).message).toBe(
        `personasImport - ${body._id} cannot be processed in it's current state.`,
      );
      expectErrorBody((await api.process(freshObjectId())) as unknown as Reply<ErrorBody>, 404);
      expectErrorBody(
        (await call<ErrorBody>('POST', '/api/importpersonas', { key, body: {} })) as Reply<ErrorBody>,
        400,
        /id/,
      );
      await waitImported(key, body._id);
    });

    it('reports rows it could not import in importErrors and in the error CSV, and imports the rest', async () => {
      const organisation = freshObjectId();
      const csv = [
        'Email,Name',
        'ada@example.com,Ada',
        'not-an-email,Bad',
        ',Nobody',
        'alan@example.com,Alan',
      ].join('\n');

      const model = await runPersonasImport(key, { organisation }, csv);

      expect(model.totalCount).toBe(4);
      expect(model.processedCount).toBe(4);
      expect(model.result).toEqual({ created: 2, merged: 0 });
      expect(model.importErrors).toEqual([
        { row: 2, rowErrors: [expect.stringMatching(/^Email: 'not-an-email' is not a mailto: address/)] },
        { row: 3, rowErrors: [expect.stringMatching(/^Row has no identifier: give at least one of /)] },
      ]);
      expect(model.csvErrorHandle).toEqual(expect.any(String));

      const download = await fetch(
        `${process.env.INTAKE_URL}/api/organisation/${organisation}/importpersonaserror/${model._id}.csv`,
        { headers: basic(key), redirect: 'manual' },
      );
      expect(download.status).toBe(303);
      const file = await fetch(download.headers.get('location') ?? '');
      const lines = (await file.text()).trim().split(/\r?\n/);
      expect(lines[0]).toBe('Email,Name,errors');
      expect(lines).toHaveLength(3);
      // The error CSV words each row's problems as importErrors does.
      const errorsOf = (row: number) => {
        const text = model.importErrors.find((e) => e.row === row)?.rowErrors.join('; ') ?? '';
        return /[",]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
      };
      expect(lines[1]).toBe(`not-an-email,Bad,${errorsOf(2)}`);
      expect(lines[2]).toBe(`,Nobody,${errorsOf(3)}`);
    });

    it('merges a row that matches several personas into the first in primary order, and counts it merged', async () => {
      const run = async (mboxPrimary: number, accountPrimary: number) => {
        const organisation = freshObjectId();
        const structure = {
          Email: column('Email', 'COLUMN_MBOX', '', mboxPrimary),
          Site: column('Site', 'COLUMN_ACCOUNT_KEY', 'User', accountPrimary),
          User: column('User', 'COLUMN_ACCOUNT_VALUE', 'Site'),
          Name: column('Name', 'COLUMN_NAME'),
        };
        const separate = await runPersonasImport(
          key,
          { organisation, structure },
          'Email,Site,User,Name\nada@example.com,,,By mail\n,https://lms.example.org,ada,By account\n',
        );
        expect(separate.result).toEqual({ created: 2, merged: 0 });
        const before = (await peopleOf(`ll-${organisation}`, key)) as PersonView[];
        const both = await runPersonasImport(
          key,
          { organisation, structure },
          'Email,Site,User,Name\nada@example.com,https://lms.example.org,ada,\n',
        );
        const after = (await peopleOf(`ll-${organisation}`, key)) as PersonView[];
        return { both, before, after };
      };

      const mailFirst = await run(1, 2);
      expect(mailFirst.both.result).toEqual({ created: 0, merged: 1 });
      expect(mailFirst.both.importErrors).toEqual([]);
      expect(mailFirst.after).toHaveLength(1);
      expect(mailFirst.after[0]?.id).toBe(mailFirst.before.find((p) => p.first_name === 'By mail')?.id);
      expect(mailFirst.after[0]?.identifiers).toEqual(
        expect.arrayContaining([
          { kind: 'mbox', value: 'mailto:ada@example.com' },
          { kind: 'account', home_page: 'https://lms.example.org', name: 'ada' },
        ]),
      );
      expect(mailFirst.after[0]?.first_name).toBe('By mail');

      const accountFirst = await run(2, 1);
      expect(accountFirst.after).toHaveLength(1);
      expect(accountFirst.after[0]?.id).toBe(
        accountFirst.before.find((p) => p.first_name === 'By account')?.id,
      );
    });

    it('counts a row whose identifiers already belong to a persona as merged', async () => {
      const organisation = freshObjectId();
      await runPersonasImport(key, { organisation }, 'Email,Name\nada@example.com,Ada\n');

      const again = await runPersonasImport(
        key,
        { organisation },
        'Email,Name\nada@example.com,Ada King\nbob@example.com,Bob\n',
      );

      expect(again.result).toEqual({ created: 1, merged: 1 });
      const people = (await peopleOf(`ll-${organisation}`, key)) as PersonView[];
      expect(people.map((p) => p.first_name).sort()).toEqual(['Ada King', 'Bob']);
    });
  });

  describe('the error CSV route', () => {
    it('redirects to the uploaded CSV before processing, and answers 404 under another organisation', async () => {
      const organisation = freshObjectId();
      const { body } = await api.create({ organisation });
      const path = (org: string) => `/api/organisation/${org}/importpersonaserror/${body._id}.csv`;
      expectErrorBody(await call<ErrorBody>('GET', path(organisation), { key }), 404);

      await api.upload(body._id, 'Email\na@b.co\n');
      const reply = await fetch(`${process.env.INTAKE_URL}${path(organisation)}`, {
        headers: { 'x-api-key': key },
        redirect: 'manual',
      });
      expect(reply.status).toBe(303);
      expect((await (await fetch(reply.headers.get('location') ?? '')).text()).trim()).toBe('Email\na@b.co');
      expectErrorBody(await call<ErrorBody>('GET', path(freshObjectId()), { key }), 404);
    });
  });

  describe('authentication and tenants', () => {
    it('answers 401 Unauthorized as plain text without a valid key', async () => {
      for (const [method, path] of [
        ['POST', '/api/v2/personasImport'],
        ['GET', `/api/v2/personasImport/${EXAMPLE._id}`],
        ['POST', '/api/uploadpersonas'],
        ['POST', '/api/importpersonas'],
      ] as const) {
        const reply = await call(method, path, {
          key: 'not-a-key',
          ...(method === 'POST' ? { body: {} } : {}),
        });
        expect(reply.status).toBe(401);
        expect(reply.headers.get('content-type')).toMatch(/^text\/plain/);
        expect(reply.text).toBe('Unauthorized');
      }
    });

    it('answers 404 for another tenant’s persona import on every route', async () => {
      const otherKey = await createTenantKey(`ll-other-${Date.now().toString(36)}`);
      const other = client(otherKey);
      const organisation = freshObjectId();
      const mine = await api.create({ organisation });
      await api.upload(mine.body._id, 'Email\na@b.co\n');
      const id = mine.body._id;
      const notFound = new RegExp(`^Could not find personasImport with ${id}$`);

      expectErrorBody((await other.get(id)) as unknown as Reply<ErrorBody>, 404, notFound);
      expectErrorBody((await other.patch(id, { title: 'x' })) as unknown as Reply<ErrorBody>, 404, notFound);
      expectErrorBody((await other.upload(id, 'Email\nb@c.co\n')) as unknown as Reply<ErrorBody>, 404);
      expectErrorBody((await other.process(id)) as unknown as Reply<ErrorBody>, 404);
      expectErrorBody(
        await call<ErrorBody>('GET', `/api/organisation/${organisation}/importpersonaserror/${id}.csv`, {
          key: otherKey,
        }),
        404,
      );
      const query = encodeURIComponent(JSON.stringify({ _id: id }));
      expect(
        (await call('GET', `/api/v2/personasImport/count?query=${query}`, { key: otherKey })).body,
      ).toEqual({
        count: 0,
      });
      expect((await call('GET', `/api/v2/personasImport/count?query=${query}`, { key })).body).toEqual({
        count: 1,
      });
      expect((await api.get(id)).body.importStage).toBe('STAGE_CONFIGURE_FIELDS');
    });

    it('answers 404 in its own format for an unknown id and an unknown route under its paths', async () => {
      expectErrorBody(
        await call<ErrorBody>('GET', `/api/v2/personasImport/${freshObjectId()}`, { key }),
        404,
      );
      expectErrorBody(await call<ErrorBody>('GET', '/api/v2/personasImport/not-an-id', { key }), 404);
      expectErrorBody(
        await call<ErrorBody>('DELETE', `/api/v2/personasImport/${freshObjectId()}`, { key }),
        404,
      );
    });
  });
});
