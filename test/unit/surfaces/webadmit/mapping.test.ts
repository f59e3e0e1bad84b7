import { ValidationError } from '../../../../functions/core/errors.js';
import { type Field, fieldFromSpec } from '../../../../functions/core/fields.js';
import { IMPORT_STATUSES, type ImportStatus, type RowResult } from '../../../../functions/core/types.js';
import {
  batchOptions,
  defaultWorkspace,
  messages,
  parseId,
  planAnswers,
} from '../../../../functions/surfaces/webadmit/mapping.js';
import {
  type AnswerFate,
  BATCH_STATUSES,
  batchHref,
  finalStatus,
  progressStatus,
  resultOf,
} from '../../../../functions/surfaces/webadmit/presenters.js';
import type { BatchAnswer } from '../../../../functions/surfaces/webadmit/registry.js';
import { typeName } from '../../../../functions/surfaces/webadmit/schema-problems.js';
import { parseBatchBody } from '../../../../functions/surfaces/webadmit/validators.js';

const HREF_PATTERN = /^\/api\/v2\/user_identities\/\d+\/programs\/\d+\/batch_custom_field_answers\/\d+$/;
const NOW = '2024-01-01T00:00:00.000Z';

const field = (id: number, key: string, type: Field['type'], label?: string, options?: string[]): Field =>
  fieldFromSpec(
    { key, type, ...(label ? { label } : {}), ...(options ? { options } : {}) },
    { id, workspace: 'w', now: NOW },
  );

const citizen = field(99, 'citizen', 'boolean', 'Are you a citizen?');
const fruit = field(123, 'fruit', 'string', 'What is your favorite fruit?');
const colour = field(7, 'colour', 'select', 'Colour', ['Red', 'Blue']);
const fields = new Map([citizen, fruit, colour].map((f) => [f.id, f]));

/** The schema messages a body gets, or [] when it is valid. */
const schemaMessagesOf = (body: unknown): string[] => {
  try {
    parseBatchBody(body);
    return [];
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return error.problems.map((p) => p.message);
  }
};

const answer = (overrides: Partial<BatchAnswer> = {}): BatchAnswer => ({
  applicant_cas_id: '123456789',
  custom_field_id: 99,
  field_type: 'boolean',
  value: false,
  field: { key: 'citizen', label: 'Are you a citizen?', type: 'boolean' },
  stored: false,
  row: 1,
  ...overrides,
});

const rowResult = (outcome: RowResult['outcome'], errors: RowResult['errors'] = []): RowResult => ({
  row: 1,
  outcome,
  person_id: outcome === 'updated' || outcome === 'unchanged' ? 'per_1' : null,
  errors,
});

const done = { status: 'completed_with_errors' as ImportStatus, error: null };

describe('WebAdmit batch body validation', () => {
  it('accepts the document example request', () => {
    const body = {
      custom_field_answers: [
        { applicant_cas_id: '123456789', custom_field_id: 4, field_type: 'boolean', value: false },
      ],
    };

    expect(parseBatchBody(body)).toEqual(body);
  });

  it("words a missing custom_field_answers as the document's first 422 example", () => {
    expect(schemaMessagesOf({})).toEqual([
      "The property '#/' did not contain a required property of 'custom_field_answers'",
    ]);
  });

  it("words an integer CAS id as the document's second 422 example, naming the type integer", () => {
    const body = {
      custom_field_answers: [
        { applicant_cas_id: 123456789, custom_field_id: 4, field_type: 'boolean', value: false },
      ],
    };

    expect(schemaMessagesOf(body)).toEqual([
      "The property '#/custom_field_answers/0/applicant_cas_id' of type integer did not match the following type: string",
    ]);
  });

  it('names every problem of every answer, with the path of each', () => {
    const body = {
      custom_field_answers: [
        { applicant_cas_id: 'a', custom_field_id: '4', field_type: 'text', value: { x: 1 } },
        { applicant_cas_id: 'b', custom_field_id: 4.5, field_type: 'string' },
      ],
    };

    expect(schemaMessagesOf(body)).toEqual([
      "The property '#/custom_field_answers/0/custom_field_id' of type string did not match the following type: integer",
      `The property '#/custom_field_answers/0/field_type' value "text" did not match one of the following values: boolean, number, date, string, select`,
      "The property '#/custom_field_answers/0/value' of type object did not match one or more of the following types: boolean, string, number, null",
      "The property '#/custom_field_answers/1' did not contain a required property of 'value'",
      "The property '#/custom_field_answers/1/custom_field_id' of type number did not match the following type: integer",
    ]);
  });

  it('reports only the type of a value of the wrong type, not its enum too', () => {
    const body = {
      custom_field_answers: [{ applicant_cas_id: 'a', custom_field_id: 1, field_type: 5, value: null }],
    };

    expect(schemaMessagesOf(body)).toEqual([
      "The property '#/custom_field_answers/0/field_type' of type integer did not match the following type: string",
    ]);
  });

  it.each([
    [[], "The property '#/' of type array did not match the following type: object"],
    [
      { custom_field_answers: null },
      "The property '#/custom_field_answers' of type null did not match the following type: array",
    ],
    [
      { custom_field_answers: [] },
      "The property '#/custom_field_answers' did not contain a minimum number of items 1",
    ],
    [
      { custom_field_answers: ['x'] },
      "The property '#/custom_field_answers/0' of type string did not match the following type: object",
    ],
  ])('refuses %j with: %s', (body, message) => {
    expect(schemaMessagesOf(body)).toEqual([message]);
  });

  it('refuses more than 1,000 answers and text values longer than 4,096 characters', () => {
    const one = { applicant_cas_id: 'a', custom_field_id: 1, field_type: 'string', value: 'v' };

    expect(schemaMessagesOf({ custom_field_answers: Array(1001).fill(one) })).toEqual([
      "The property '#/custom_field_answers' had more items than the allowed 1000",
    ]);
    expect(schemaMessagesOf({ custom_field_answers: Array(1000).fill(one) })).toEqual([]);
    expect(schemaMessagesOf({ custom_field_answers: [{ ...one, value: 'x'.repeat(4097) }] })).toEqual([
      "The property '#/custom_field_answers/0/value' was not of a maximum string length of 4096",
    ]);
  });

  it('ignores properties the document does not name', () => {
    const body = {
      extra: 1,
      custom_field_answers: [
        { applicant_cas_id: 'a', custom_field_id: 1, field_type: 'date', value: '2024-01-01', note: 'x' },
      ],
    };

    expect(schemaMessagesOf(body)).toEqual([]);
  });

  it.each([
    [null, 'null'],
    [[1], 'array'],
    [{}, 'object'],
    [3, 'integer'],
    [3.5, 'number'],
    ['3', 'string'],
    [false, 'boolean'],
  ])('names the type of %j %s', (value, name) => {
    expect(typeName(value)).toBe(name);
  });
});

describe('planAnswers', () => {
  it('turns each answer of a known field of the same type into an update row keyed by the field key', () => {
    const { rows, answers } = planAnswers(
      [
        { applicant_cas_id: '123456789', custom_field_id: 99, field_type: 'boolean', value: 'no' },
        { applicant_cas_id: '987654321', custom_field_id: 123, field_type: 'string', value: ' banana ' },
      ],
      fields,
    );

    expect(rows).toEqual([
      {
        identifiers: [{ kind: 'applicant_cas_id', value: '123456789' }],
        profile: {},
        attributes: { citizen: 'no' },
      },
      {
        identifiers: [{ kind: 'applicant_cas_id', value: '987654321' }],
        profile: {},
        attributes: { fruit: ' banana ' },
      },
    ]);
    expect(answers.map((a) => [a.row, a.stored, a.errors])).toEqual([
      [1, false, undefined],
      [2, 'banana', undefined],
    ]);
    expect(answers[0]?.field).toEqual({ key: 'citizen', label: 'Are you a citizen?', type: 'boolean' });
  });

  it('refuses an unknown custom field id before the engine, numbering the other rows without it', () => {
    const { rows, answers } = planAnswers(
      [
        { applicant_cas_id: '1', custom_field_id: 555, field_type: 'string', value: 'x' },
        { applicant_cas_id: '2', custom_field_id: 123, field_type: 'string', value: 'y' },
      ],
      fields,
    );

    expect(rows).toHaveLength(1);
    expect(answers[0]).toMatchObject({ field: null, errors: { custom_field: messages.customField } });
    expect(answers[0]?.row).toBeUndefined();
    expect(answers[1]?.row).toBe(1);
  });

  it('refuses a field_type that is not the type of the custom field, as an update_error', () => {
    const { rows, answers } = planAnswers(
      [{ applicant_cas_id: '1', custom_field_id: 99, field_type: 'string', value: 'yes' }],
      fields,
    );

    expect(rows).toEqual([]);
    expect(answers[0]?.errors).toEqual({
      update_error: "Custom field 99 is a boolean field; the answer's field_type is string",
    });
  });

  it('keeps no stored value for a value the field cannot hold, leaving its refusal to the engine', () => {
    const { rows, answers } = planAnswers(
      [
        { applicant_cas_id: '1', custom_field_id: 7, field_type: 'select', value: 'green' },
        { applicant_cas_id: '1', custom_field_id: 7, field_type: 'select', value: 'blue' },
      ],
      fields,
    );

    expect(rows).toHaveLength(2);
    expect(answers[0]?.stored).toBeUndefined();
    expect(answers[1]?.stored).toBe('Blue');
  });
});

describe('resultOf', () => {
  it('shows an applied answer with the value as stored and null errors, as in the document', () => {
    expect(resultOf(answer({ value: 'false' }), rowResult('updated'), done)).toEqual({
      result: {
        custom_field_answer: {
          custom_field_id: 99,
          label: 'Are you a citizen?',
          field_type: 'boolean',
          value: false,
        },
        applicant_cas_id: '123456789',
        errors: null,
      },
      fate: 'applied',
    });
    expect(resultOf(answer(), rowResult('unchanged'), done).fate).toBe('applied');
  });

  it("shows the engine's not_found as the document's unknown applicant error", () => {
    const mapped = resultOf(
      answer({ applicant_cas_id: '987654321' }),
      rowResult('failed', [
        { code: 'not_found', message: "No person found for applicant_cas_id '987654321'" },
      ]),
      done,
    );

    expect(mapped.result.errors).toEqual({ applicant: 'No applicant found for that applicant_cas_id' });
    expect(mapped.fate).toBe('refused');
  });

  it('shows an invalid CAS id, skipped by the engine, as an unknown applicant', () => {
    const mapped = resultOf(
      answer({ applicant_cas_id: 'a b' }),
      rowResult('skipped', [{ code: 'invalid_applicant_cas_id', field: 'applicant_cas_id', message: 'x' }]),
      done,
    );

    expect(mapped.result.errors).toEqual({ applicant: messages.applicant });
  });

  it("builds the document's creation_error from the newer row's values", () => {
    const earlier = answer({
      custom_field_id: 5,
      field_type: 'string',
      field: { key: 'city', label: 'City', type: 'string' },
    });
    const mapped = resultOf(
      earlier,
      rowResult('superseded', [
        { code: 'superseded', message: 'Row 2 ...', detail: { row: 2, values: { city: 'Boston' } } },
      ]),
      done,
    );

    expect(mapped.result.errors).toEqual({
      creation_error:
        'A newer update (setting custom_field_answers to {"field_type":"string","value":"Boston"}) is overriding this update',
    });
    expect(mapped.fate).toBe('refused');
  });

  it('shows a superseding null value as null', () => {
    const mapped = resultOf(
      answer(),
      rowResult('superseded', [{ code: 'superseded', message: 'm', detail: { row: 2, values: {} } }]),
      done,
    );

    expect(mapped.result.errors?.creation_error).toBe(
      'A newer update (setting custom_field_answers to {"field_type":"boolean","value":null}) is overriding this update',
    );
  });

  it('shows a value the field cannot hold as an update_error naming the custom field, with the value as sent', () => {
    const mapped = resultOf(
      answer({ value: 'maybe', stored: undefined }),
      rowResult('skipped', [
        {
          code: 'invalid_value',
          field: 'citizen',
          message: "Column 'citizen': 'maybe' is not a boolean (true/false, yes/no, y/n, t/f or 1/0)",
        },
      ]),
      done,
    );

    expect(mapped.result.errors).toEqual({
      update_error: "Custom field 99: 'maybe' is not a boolean (true/false, yes/no, y/n, t/f or 1/0)",
    });
    expect(mapped.result.custom_field_answer.value).toBe('maybe');
    expect(mapped.fate).toBe('refused');
  });

  it('shows an answer refused before the engine with its own errors and a null label for an unknown field', () => {
    const mapped = resultOf(
      answer({
        custom_field_id: 555,
        field_type: 'string',
        value: 'x',
        field: null,
        row: undefined,
        errors: { custom_field: messages.customField },
      }),
      undefined,
      done,
    );

    expect(mapped.result).toEqual({
      custom_field_answer: { custom_field_id: 555, label: null, field_type: 'string', value: 'x' },
      applicant_cas_id: '123456789',
      errors: { custom_field: 'No custom field found for that custom_field_id' },
    });
    expect(mapped.fate).toBe('refused');
  });

  it.each([
    [
      'unprocessed',
      [{ code: 'unprocessed', message: 'The import was cancelled before this row' }],
      'The import was cancelled before this row',
    ],
    ['conflict', [{ code: 'conflict', message: 'Person per_1 was changed' }], 'Person per_1 was changed'],
    ['failed', [{ code: 'stale_identity', message: 'Person disappeared' }], 'Person disappeared'],
    ['unprocessed', [], messages.notApplied],
  ] as const)('shows a %s row as an update_error the answer did not cause', (outcome, errors, message) => {
    const mapped = resultOf(answer(), rowResult(outcome, [...errors]), done);

    expect(mapped.result.errors).toEqual({ update_error: message });
    expect(mapped.fate).toBe('not_applied');
  });

  it("shows an answer without a row result with the import's error", () => {
    const mapped = resultOf(answer(), undefined, {
      status: 'failed',
      error: { code: 'x', message: 'The source could not be read' },
    });

    expect(mapped.result.errors).toEqual({ update_error: 'The source could not be read' });
    expect(mapped.fate).toBe('not_applied');
  });

  it('shows an applied answer of a reverted batch as not applied', () => {
    const mapped = resultOf(answer(), rowResult('updated'), { status: 'reverted', error: null });

    expect(mapped.result.errors).toEqual({ update_error: messages.reverted });
  });
});

describe('batch statuses', () => {
  it('maps every unfinished import status to Queued or In Progress, and every final one to null', () => {
    const mapped = Object.fromEntries(IMPORT_STATUSES.map((s) => [s, progressStatus(s)]));

    expect(mapped).toEqual({
      awaiting_upload: 'Queued',
      analyzing: 'Queued',
      ready: 'Queued',
      queued: 'Queued',
      processing: 'In Progress',
      finalizing: 'In Progress',
      reverting: 'In Progress',
      completed: null,
      completed_with_errors: null,
      failed: null,
      cancelled: null,
      reverted: null,
    });
  });

  it.each<[ImportStatus, AnswerFate[], string]>([
    ['completed', ['applied', 'applied'], 'Available'],
    ['completed_with_errors', ['applied', 'refused'], 'Available'],
    ['completed_with_errors', ['refused'], 'Available'],
    ['completed', [], 'Available'],
    ['completed_with_errors', ['applied', 'not_applied'], 'Success With Errors'],
    ['completed_with_errors', ['refused', 'not_applied'], 'Failed'],
    ['cancelled', ['applied', 'not_applied'], 'Success With Errors'],
    ['cancelled', ['not_applied', 'not_applied'], 'Failed'],
    ['failed', ['not_applied'], 'Failed'],
    ['reverted', ['not_applied'], 'Failed'],
  ])('a %s import whose answers were %j is %s', (status, fates, expected) => {
    expect(finalStatus(status, fates)).toBe(expected);
  });

  it('only ever answers with the five documented statuses', () => {
    const all = IMPORT_STATUSES.flatMap((s) => [
      progressStatus(s) ?? finalStatus(s, ['applied', 'not_applied']),
    ]);

    for (const status of all) expect(BATCH_STATUSES).toContain(status);
  });
});

describe('ids, hrefs and options', () => {
  it('builds hrefs of the documented pattern', () => {
    expect(batchHref(1, 42023191739237, 74780)).toBe(
      '/api/v2/user_identities/1/programs/42023191739237/batch_custom_field_answers/74780',
    );
    expect(batchHref(1, 42023191739237, 74780)).toMatch(HREF_PATTERN);
  });

  it('reads decimal ids JavaScript holds exactly, and nothing else', () => {
    expect(parseId('42023191739237')).toBe(42023191739237);
    expect(parseId('007')).toBe(7);
    expect(parseId('0')).toBe(0);
    for (const bad of ['', 'abc', '-1', '1.5', '1e3', ' 1', '99999999999999999'])
      expect(parseId(bad)).toBeNull();
  });

  it('maps a program to a workspace named after its ids', () => {
    expect(defaultWorkspace(1, 42023191739237)).toBe('webadmit-1-42023191739237');
  });

  it('runs batches as attribute updates matched by CAS id, later answers winning per field', () => {
    expect(batchOptions).toMatchObject({
      operation: 'update',
      match_on: ['applicant_cas_id'],
      supersede: 'attribute',
      create_missing_fields: false,
      skip_invalid: true,
    });
  });
});
