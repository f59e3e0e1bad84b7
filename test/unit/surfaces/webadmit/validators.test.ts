import { ValidationError } from '../../../../functions/core/errors.js';
import { typeName } from '../../../../functions/surfaces/webadmit/schema-problems.js';
import { parseBatchBody } from '../../../../functions/surfaces/webadmit/validators.js';

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
