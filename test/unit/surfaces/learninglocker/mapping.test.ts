import { newImport } from '../../../../functions/core/create-import.js';
import { ValidationError } from '../../../../functions/core/errors.js';
import { emptyCounters, type Import, type ImportStatus } from '../../../../functions/core/types.js';
import {
  COLUMN_TYPES,
  defaultOrganisation,
  defaultOwner,
  type EarlierImport,
  fitStructure,
  importErrorOf,
  importStage,
  type LlColumn,
  type LlStructure,
  newObjectId,
  parseObjectId,
  parseStructure,
  processedCount,
  processOptions,
  proposeStructure,
  readCsvShape,
  repairMultipart,
  resultOf,
  STAGES,
  sameStructure,
  structureFromEarlier,
  toEngineStructure,
  uploadOptions,
  workspaceOf,
} from '../../../../functions/surfaces/learninglocker/mapping.js';
import { learningLockerErrors } from '../../../../functions/surfaces/learninglocker/routes.js';

const NOW = '2024-05-01T12:00:00.000Z';

const column = (
  columnName: string,
  columnType: LlColumn['columnType'],
  relatedColumn = '',
  primary: number | null = null,
) => ({
  columnName,
  columnType,
  relatedColumn,
  primary,
});

/** The document's example structure. */
const EXAMPLE: LlStructure = {
  'Full Name': column('Full Name', 'COLUMN_NAME'),
  'Moodle User ID': column('Moodle User ID', 'COLUMN_ACCOUNT_VALUE', 'Moodle Home Page'),
  'Moodle Home Page': column('Moodle Home Page', 'COLUMN_ACCOUNT_KEY', 'Moodle User ID', 1),
  Age: column('Age', 'COLUMN_ATTRIBUTE_DATA'),
};
const EXAMPLE_HEADERS = ['Full Name', 'Moodle User ID', 'Moodle Home Page', 'Age'];

const item = (status: ImportStatus): Import => ({
  ...newImport(
    { clock: { now: () => NOW }, ids: { next: () => 'imp_1' } },
    { tenantId: 't', workspace: 'w' },
    'csv',
  ),
  status,
});

describe('Learning Locker structures', () => {
  it('accepts the documented example as it is', () => {
    expect(parseStructure(EXAMPLE, null)).toEqual({ structure: EXAMPLE, problems: [] });
    expect(parseStructure(EXAMPLE, EXAMPLE_HEADERS)).toEqual({ structure: EXAMPLE, problems: [] });
  });

  it('fills an absent columnName, relatedColumn and primary, and reads null as blank', () => {
    const { structure, problems } = parseStructure(
      {
        Email: { columnType: 'COLUMN_MBOX' },
        Team: { columnType: null, relatedColumn: null, primary: null },
      },
      null,
    );

    expect(problems).toEqual([]);
    expect(structure).toEqual({ Email: column('Email', 'COLUMN_MBOX'), Team: column('Team', '') });
  });

  it('accepts each of the seven column types', () => {
    expect(COLUMN_TYPES).toHaveLength(7);
    for (const type of COLUMN_TYPES.filter((t) => !t.startsWith('COLUMN_ACCOUNT'))) {
      expect(parseStructure({ A: column('A', type) }, null).problems).toEqual([]);
    }
  });

  it('refuses what is not an object of column objects, and reserved column names', () => {
    expect(parseStructure([], null).problems).toEqual(['structure must be an object keyed by column name']);
    expect(parseStructure({ A: 'COLUMN_MBOX' }, null).problems).toEqual([
      'A must be an object with columnName, columnType, relatedColumn and primary',
    ]);
    expect(parseStructure(JSON.parse('{"__proto__": {"columnType": "COLUMN_MBOX"}}'), null).problems).toEqual(
      ['"__proto__" is not a valid column name'],
    );
    expect(parseStructure({ A: column('A', 'COLUMN_MBOX', 7 as unknown as string) }, null).problems).toEqual([
      'A: relatedColumn must be a column name or ""',
    ]);
  });

  it('refuses unpaired account columns, in Learning Locker words', () => {
    expect(parseStructure({ K: column('K', 'COLUMN_ACCOUNT_KEY') }, null).problems).toEqual([
      'K is not bound to another column',
    ]);
    expect(parseStructure({ V: column('V', 'COLUMN_ACCOUNT_VALUE', 'Nope') }, null).problems).toEqual([
      'V is bound to Nope but Nope is not a column',
    ]);
    expect(
      parseStructure(
        {
          K: column('K', 'COLUMN_ACCOUNT_KEY', 'V'),
          V: column('V', 'COLUMN_ACCOUNT_VALUE', 'X'),
          X: column('X', ''),
        },
        null,
      ).problems,
    ).toEqual(['K is bound to V but V is not bound to K', 'V is bound to X but X is not bound to V']);
    expect(
      parseStructure({ X: column('X', '', 'Y'), Y: column('Y', 'COLUMN_MBOX', 'X') }, null).problems,
    ).toEqual([
      'X is related to Y but a column that is not imported should have no relation',
      'Y is related to X but COLUMN_MBOX should have no relation',
    ]);
  });

  it('refuses a key column bound to itself', () => {
    expect(parseStructure({ K: column('K', 'COLUMN_ACCOUNT_KEY', 'K') }, null).problems).toEqual([
      'K is bound to K but K is of an invalid type',
    ]);
  });

  it('refuses non-unique and non-integer primaries', () => {
    expect(
      parseStructure({ A: column('A', 'COLUMN_MBOX', '', 1), B: column('B', 'COLUMN_OPENID', '', 1) }, null)
        .problems,
    ).toEqual(['Primary must be unique']);
    expect(
      parseStructure({ A: column('A', 'COLUMN_MBOX', '', '1' as unknown as number) }, null).problems,
    ).toEqual(['A: Primary order must be an Integer']);
  });

  it('checks columns against the CSV headers and completes the structure in header order', () => {
    expect(parseStructure({ Mail: column('Mail', 'COLUMN_MBOX') }, ['Email']).problems).toEqual([
      'Mail is not a column of the CSV',
    ]);
    const { structure } = parseStructure({ Age: column('Age', 'COLUMN_ATTRIBUTE_DATA') }, ['Email', 'Age']);
    expect(Object.keys(structure)).toEqual(['Email', 'Age']);
    expect(structure.Email).toEqual(column('Email', ''));
  });

  it('keeps a structure for a file only when every column is one of its headers', () => {
    expect(fitStructure({}, ['A'])).toBeNull();
    expect(fitStructure(EXAMPLE, ['Full Name', 'Age'])).toBeNull();
    expect(fitStructure(EXAMPLE, [...EXAMPLE_HEADERS, 'Extra'])).toEqual({
      ...EXAMPLE,
      Extra: column('Extra', ''),
    });
  });

  it('compares structures column by column, whatever the key order', () => {
    const reordered = Object.fromEntries(Object.entries(EXAMPLE).reverse());
    expect(sameStructure(EXAMPLE, reordered)).toBe(true);
    expect(sameStructure(EXAMPLE, { ...EXAMPLE, Age: column('Age', '') })).toBe(false);
    expect(sameStructure(EXAMPLE, { 'Full Name': column('Full Name', 'COLUMN_NAME') })).toBe(false);
  });
});

describe('Learning Locker structures in the engine', () => {
  it('maps the documented example: the name to first_name, the account pair, the attribute', () => {
    expect(toEngineStructure(EXAMPLE)).toEqual({
      'Full Name': { role: 'profile', key: 'first_name' },
      'Moodle User ID': { role: 'identifier', kind: 'account', part: 'name', related: 'Moodle Home Page' },
      'Moodle Home Page': {
        role: 'identifier',
        kind: 'account',
        part: 'home_page',
        related: 'Moodle User ID',
        priority: 1,
      },
      Age: { role: 'attribute', key: 'Age' },
    });
  });

  it('orders identifiers by primary, those without one after, in column order', () => {
    const structure = toEngineStructure({
      Open: column('Open', 'COLUMN_OPENID'),
      Sha: column('Sha', 'COLUMN_MBOXSHA1SUM', '', 5),
      User: column('User', 'COLUMN_ACCOUNT_VALUE', 'Site', 2),
      Site: column('Site', 'COLUMN_ACCOUNT_KEY', 'User'),
      Mail: column('Mail', 'COLUMN_MBOX'),
      Skip: column('Skip', ''),
    });

    expect(structure.Site).toMatchObject({ part: 'home_page', priority: 1 });
    expect(structure.Sha).toMatchObject({ kind: 'mbox_sha1sum', priority: 2 });
    expect(structure.Open).toMatchObject({ kind: 'openid', priority: 3 });
    expect(structure.Mail).toMatchObject({ kind: 'mbox', priority: 4 });
    expect(structure.User).not.toHaveProperty('priority');
    expect(structure.Skip).toEqual({ role: 'ignore' });
    expect(processOptions(structure).match_on).toEqual(['account', 'mbox_sha1sum', 'openid', 'mbox']);
  });

  it('processes with merge, skip_invalid and create_missing_fields; the upload stops at the review', () => {
    const options = processOptions(toEngineStructure(EXAMPLE));
    expect(options).toEqual({
      operation: 'upsert',
      on_ambiguous_match: 'merge',
      skip_invalid: true,
      create_missing_fields: true,
      dry_run: false,
      match_on: ['account'],
    });
    expect(uploadOptions(toEngineStructure(EXAMPLE))).toEqual({ ...options, dry_run: true });
  });
});

describe('Learning Locker structure proposals', () => {
  it('proposes from the headers: one name column, identifiers, the rest attributes', () => {
    expect(
      proposeStructure([
        'Full Name',
        'Name',
        'Email',
        'mbox_sha1sum',
        'OpenID',
        'First Name',
        'external_id',
        'Team',
      ]),
    ).toEqual({
      'Full Name': column('Full Name', 'COLUMN_NAME'),
      Name: column('Name', 'COLUMN_ATTRIBUTE_DATA'),
      Email: column('Email', 'COLUMN_MBOX'),
      mbox_sha1sum: column('mbox_sha1sum', 'COLUMN_MBOXSHA1SUM'),
      OpenID: column('OpenID', 'COLUMN_OPENID'),
      'First Name': column('First Name', 'COLUMN_ATTRIBUTE_DATA'),
      external_id: column('external_id', 'COLUMN_ATTRIBUTE_DATA'),
      Team: column('Team', 'COLUMN_ATTRIBUTE_DATA'),
    });
  });

  it('takes the structure of the organisation’s processed import with the most of the headers, then the latest', () => {
    const earlier = (over: Partial<EarlierImport>): EarlierImport => ({
      organisation: 'org',
      csv_headers: ['Email'],
      structure: { Email: column('Email', 'COLUMN_MBOX') },
      processed: true,
      updated_at: NOW,
      ...over,
    });
    const openid = { Email: column('Email', 'COLUMN_OPENID') };
    const wide = {
      Email: column('Email', 'COLUMN_MBOX', '', 1),
      Age: column('Age', 'COLUMN_ATTRIBUTE_DATA'),
    };
    const candidates = [
      earlier({}),
      earlier({ structure: openid, updated_at: '2024-05-02T00:00:00.000Z' }),
      earlier({ organisation: 'other', csv_headers: ['Email', 'Age'], structure: wide }),
      earlier({ processed: false, csv_headers: ['Email', 'Age'], structure: wide }),
      earlier({ csv_headers: ['Email', 'Missing'], structure: {} }),
    ];

    expect(structureFromEarlier(candidates, 'org', ['Email', 'Age'])).toEqual({
      Email: column('Email', 'COLUMN_OPENID'),
      Age: column('Age', ''),
    });
    expect(
      structureFromEarlier(
        [...candidates, earlier({ csv_headers: ['Email', 'Age'], structure: wide })],
        'org',
        ['Email', 'Age'],
      ),
    ).toEqual(wide);
    expect(structureFromEarlier(candidates, 'nobody', ['Email'])).toBeNull();
  });
});

describe('Learning Locker model fields', () => {
  it('moves through the four stages', () => {
    expect(importStage({ import_id: null, process_requested_at: null }, null)).toBe(STAGES.upload);
    expect(importStage({ import_id: 'imp_1', process_requested_at: null }, item('ready'))).toBe(
      STAGES.configure,
    );
    const requested = { import_id: 'imp_1', process_requested_at: NOW };
    for (const status of ['ready', 'analyzing', 'queued', 'processing', 'finalizing'] as const) {
      expect(importStage(requested, item(status))).toBe(STAGES.processing);
    }
    for (const status of [
      'completed',
      'completed_with_errors',
      'failed',
      'cancelled',
      'reverting',
      'reverted',
    ] as const) {
      expect(importStage(requested, item(status))).toBe(STAGES.imported);
    }
  });

  it('counts processed rows and the result from the counters', () => {
    const counters = {
      ...emptyCounters(),
      created: 3,
      updated: 1,
      unchanged: 1,
      merged: 2,
      superseded: 1,
      skipped: 2,
      failed: 1,
    };
    expect(processedCount(counters)).toBe(11);
    expect(resultOf(counters)).toEqual({ created: 3, merged: 5 });
  });

  it('words row errors as Learning Locker does: "No ifis", and the column before the message', () => {
    const result = { row: 4, outcome: 'skipped' as const, person_id: null };
    expect(
      importErrorOf({
        ...result,
        errors: [{ code: 'missing_identifier', message: 'Row has no identifier' }],
      }),
    ).toEqual({
      row: 4,
      rowErrors: ['No ifis'],
    });
    expect(
      importErrorOf({
        ...result,
        errors: [
          { code: 'invalid_mbox', field: 'Email', message: "'x' is not a mailto: address" },
          { code: 'invalid_value', field: 'Age', message: "Column 'Age': 'x' is too long" },
        ],
      }).rowErrors,
    ).toEqual(["Email: 'x' is not a mailto: address", "Column 'Age': 'x' is too long"]);
    expect(importErrorOf({ ...result, outcome: 'unprocessed', errors: [] }).rowErrors).toEqual([
      expect.stringMatching(/not processed/),
    ]);
  });
});

describe('Learning Locker ids', () => {
  it('makes 24-hex ids that start with the creation time and sort by it', () => {
    const id = newObjectId(NOW, new Uint8Array(7));
    expect(id).toMatch(/^[0-9a-f]{24}$/);
    expect(Number.parseInt(id.slice(0, 8), 16)).toBe(Date.parse(NOW) / 1000);
    expect(
      newObjectId('2024-05-01T12:00:00.001Z', new Uint8Array(7).fill(0)) >
        newObjectId(NOW, new Uint8Array(7).fill(255)),
    ).toBe(true);
  });

  it('reads 24-hex ids in either case, and nothing else', () => {
    expect(parseObjectId('59C1219936229D4CE9634601')).toBe('59c1219936229d4ce9634601');
    expect(parseObjectId('59c1219936229d4ce963460')).toBeNull();
    expect(parseObjectId('not-an-id')).toBeNull();
  });

  it('derives a stable organisation and owner per tenant, and a workspace per organisation', () => {
    expect(defaultOrganisation('t1')).toMatch(/^[0-9a-f]{24}$/);
    expect(defaultOrganisation('t1')).toBe(defaultOrganisation('t1'));
    expect(defaultOrganisation('t2')).not.toBe(defaultOrganisation('t1'));
    expect(defaultOwner('t1')).not.toBe(defaultOrganisation('t1'));
    expect(workspaceOf('59c1219936229d4ce9634602')).toBe('ll-59c1219936229d4ce9634602');
  });
});

describe('Learning Locker uploads', () => {
  const bytes = (text: string) => new TextEncoder().encode(text);

  it('reads the headers and counts the data rows', async () => {
    await expect(readCsvShape(bytes('Email,Age\na@b.co,1\n\nc@d.co,2\n'))).resolves.toEqual({
      headers: ['Email', 'Age'],
      rows: 2,
    });
    await expect(readCsvShape(bytes('Email,Age\n'))).resolves.toEqual({ headers: ['Email', 'Age'], rows: 0 });
  });

  it.each([
    ['an empty file', '', 'empty_file'],
    ['duplicate headers', 'Email,email\n', 'duplicate_header'],
    ['an unterminated quote', 'Email\n"a@b.co\n', 'unterminated_quote'],
  ])('refuses %s with a validation error', async (_what, text, code) => {
    const error = await readCsvShape(bytes(text)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).code).toBe(code);
    expect((error as ValidationError).message).toMatch(/^The CSV cannot be imported: /);
  });

  it('reads the document’s part headers without a colon, and leaves file content alone', () => {
    const type = 'multipart/form-data; boundary=B';
    const body = Buffer.from(
      '--B\r\nContent-Disposition form-data; name="id"\r\nContent-Length: 2\r\n\r\nab\r\n' +
        '--B\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\nContent-Disposition form-data\r\n--B--\r\n',
      'latin1',
    );

    const repaired = repairMultipart(body, type).toString('latin1');

    expect(repaired).toContain('--B\r\nContent-Disposition: form-data; name="id"');
    expect(repaired).toContain('\r\n\r\nContent-Disposition form-data\r\n--B--');
    expect(repairMultipart(body, 'multipart/form-data')).toBe(body);
  });
});

describe('Learning Locker error bodies', () => {
  it('answers 401 with the plain text Unauthorized', () => {
    expect(learningLockerErrors.format({ status: 401, code: 'unauthorized', message: 'x' })).toEqual({
      statusCode: 401,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body: 'Unauthorized',
    });
  });

  it('answers invalid input with 400, an errorId, the message and each problem', () => {
    const reply = learningLockerErrors.format({
      status: 422,
      code: 'validation_failed',
      message: 'PersonasImport validation failed: structure: K is not bound to another column',
      problems: [{ pointer: '/structure', message: 'K is not bound to another column' }],
    });

    expect(reply.statusCode).toBe(400);
    const body = JSON.parse(String(reply.body));
    expect(body).toEqual({
      errorId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      message: 'PersonasImport validation failed: structure: K is not bound to another column',
      messages: ['structure: K is not bound to another column'],
    });
  });

  it('claims its own paths only', () => {
    for (const path of [
      '/api/v2/personasImport',
      '/api/v2/personasimport/59c1219936229d4ce9634601',
      '/api/uploadpersonas',
      '/api/importpersonas',
      '/api/organisation/59c1219936229d4ce9634602/importpersonaserror/59c1219936229d4ce9634601.csv',
    ]) {
      expect(learningLockerErrors.matches(path)).toBe(true);
    }
    for (const path of [
      '/api/v2/personasImports',
      '/api/v2/user_identities/1',
      '/v1/imports',
      '/api/importpersonas/x',
    ]) {
      expect(learningLockerErrors.matches(path)).toBe(false);
    }
  });
});
