import { defaultOptions } from '../../../functions/core/create-import.js';
import type { Field } from '../../../functions/core/fields.js';
import { accountValue } from '../../../functions/core/identifiers.js';
import { normalizeRow } from '../../../functions/core/normalize-row.js';
import type { RowInput } from '../../../functions/core/types.js';

const age: Field = {
  id: 1,
  workspace: 'w',
  key: 'age',
  label: 'Age',
  type: 'number',
  created_at: 'x',
} as Field;
const ctx = (
  overrides: Partial<ReturnType<typeof defaultOptions>> = {},
  label?: (path: string) => string,
) => ({
  fields: new Map([['age', age]]),
  options: { ...defaultOptions(), ...overrides },
  label,
});
const input = (partial: Partial<RowInput>): RowInput => ({
  identifiers: [],
  profile: {},
  attributes: {},
  ...partial,
});

describe('normalizeRow', () => {
  it("reads attribute values in the import's date_format and decimal_separator, naming the column", () => {
    const start: Field = { ...age, id: 2, key: 'start', label: 'Start', type: 'date' };
    const options = {
      ...defaultOptions(),
      date_format: 'DD.MM.YYYY' as const,
      decimal_separator: ',' as const,
    };
    const fields = new Map([
      ['age', age],
      ['start', start],
    ]);
    const email = [{ kind: 'email' as const, value: 'a@x.io' }];

    const read = normalizeRow(
      input({ identifiers: email, attributes: { age: '1,5', start: '03.01.2024' } }),
      {
        fields,
        options,
      },
    );
    const refused = normalizeRow(input({ identifiers: email, attributes: { start: '01/03/2024' } }), {
      fields,
      options,
      label: () => 'Start',
    });

    expect(read).toMatchObject({ input: { attributes: { age: 1.5, start: '2024-01-03' } }, errors: [] });
    expect(refused.errors).toEqual([
      {
        code: 'invalid_value',
        field: 'Start',
        message: "'01/03/2024' is not a date in DD.MM.YYYY",
      },
    ]);
  });

  it('normalizes every identifier kind', () => {
    const { input: out, errors } = normalizeRow(
      input({
        identifiers: [
          { kind: 'email', value: ' Ada@Example.COM ' },
          { kind: 'mbox', value: 'Ada@Example.com' },
          { kind: 'mbox_sha1sum', value: 'A9993E364706816ABA3E25717850C26C9CD0D89D' },
          { kind: 'openid', value: 'https://id.example.org/ada' },
          { kind: 'account', value: accountValue(' https://moodle.example.org ', ' 42 ') },
          { kind: 'applicant_cas_id', value: ' 123456789 ' },
          { kind: 'external_id', value: ' e-1 ' },
        ],
      }),
      ctx(),
    );

    expect(errors).toEqual([]);
    expect(out.identifiers.map((i) => i.value)).toEqual([
      'ada@example.com',
      'mailto:ada@example.com',
      'a9993e364706816aba3e25717850c26c9cd0d89d',
      'https://id.example.org/ada',
      '["https://moodle.example.org","42"]',
      '123456789',
      'e-1',
    ]);
  });

  it('names the column of each invalid identifier', () => {
    const labels: Record<string, string> = {
      'identifiers.0': 'E-mail',
      'identifiers.1': 'SHA',
      'identifiers.2': 'Home',
    };
    const { errors } = normalizeRow(
      input({
        identifiers: [
          { kind: 'email', value: 'nope' },
          { kind: 'mbox_sha1sum', value: 'xyz' },
          { kind: 'account', value: accountValue('not a url', 'n') },
        ],
      }),
      ctx({}, (path) => labels[path] ?? path),
    );

    expect(errors.map((e) => [e.code, e.field])).toEqual([
      ['invalid_email', 'E-mail'],
      ['invalid_mbox_sha1sum', 'SHA'],
      ['invalid_account', 'Home'],
    ]);
  });

  it('coerces attribute values to their field type and reports values that do not fit', () => {
    const ok = normalizeRow(
      input({ identifiers: [{ kind: 'email', value: 'a@b.co' }], attributes: { age: '36' } }),
      ctx(),
    );
    const bad = normalizeRow(
      input({ identifiers: [{ kind: 'email', value: 'a@b.co' }], attributes: { age: 'old' } }),
      ctx(),
    );

    expect(ok.input.attributes).toEqual({ age: 36 });
    expect(bad.errors).toEqual([expect.objectContaining({ code: 'invalid_value', field: 'age' })]);
    expect(bad.errors[0]?.message).toContain('old');
  });

  it('proposes missing fields, or refuses them when create_missing_fields is off', () => {
    const row = input({ identifiers: [{ kind: 'email', value: 'a@b.co' }], attributes: { shoe: 42 } });

    const allowed = normalizeRow(row, ctx());
    const refused = normalizeRow(row, ctx({ create_missing_fields: false }));

    expect(allowed.missingFields).toEqual([expect.objectContaining({ key: 'shoe', type: 'number' })]);
    expect(refused.errors).toEqual([expect.objectContaining({ code: 'unknown_field', field: 'shoe' })]);
  });

  it('requires an identifier and checks profile fields', () => {
    const none = normalizeRow(input({ profile: { first_name: 'X' } }), ctx());
    const month = normalizeRow(
      input({ identifiers: [{ kind: 'email', value: 'a@b.co' }], profile: { birthday_month: '13' } }),
      ctx(),
    );

    expect(none.errors[0]?.code).toBe('missing_identifier');
    expect(month.errors).toEqual([
      expect.objectContaining({ code: 'invalid_value', field: 'birthday_month' }),
    ]);
  });
});
