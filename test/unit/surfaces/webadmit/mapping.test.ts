import { type Field, fieldFromSpec } from '../../../../functions/core/fields.js';
import {
  batchOptions,
  defaultWorkspace,
  messages,
  parseId,
  planAnswers,
} from '../../../../functions/surfaces/webadmit/mapping.js';
import { batchHref } from '../../../../functions/surfaces/webadmit/presenters.js';

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
