import { FieldExistsError, ValidationError } from '../../../functions/core/errors.js';
import { checkFieldSpec, createField, listFields } from '../../../functions/core/field-service.js';
import {
  calendarDate,
  coerceValue,
  dateInFormat,
  type Field,
  type FieldSpec,
  fieldFromSpec,
  inferFieldType,
} from '../../../functions/core/fields.js';
import {
  type AttributeValue,
  DATE_FORMATS,
  type DateFormat,
  type DecimalSeparator,
} from '../../../functions/core/types.js';
import { MemoryFieldStore } from '../../helpers/in-memory/memory-field.store.js';

const field = (type: Field['type'], options?: string[]): Field =>
  fieldFromSpec({ key: 'col', type, options }, { id: 1, workspace: 'w', now: '2024-01-01T00:00:00.000Z' });

type Accepted = [raw: AttributeValue, value: AttributeValue];
type Refused = [raw: AttributeValue, message: string];

const accepts = (type: Field['type'], cases: Accepted[], options?: string[]) =>
  it.each(cases)(`reads %p as %p`, (raw, value) => {
    expect(coerceValue(field(type, options), raw, 'col')).toEqual({ ok: true, value });
  });

const refuses = (type: Field['type'], cases: Refused[], options?: string[]) =>
  it.each(cases)(`refuses %p with: %s`, (raw, message) => {
    expect(coerceValue(field(type, options), raw, 'col')).toEqual({
      ok: false,
      error: { code: 'invalid_value', field: 'col', message },
    });
  });

describe('coerceValue', () => {
  describe('blank values, for every type', () => {
    it.each([
      'boolean',
      'number',
      'date',
      'string',
      'select',
    ] as const)('turns null, empty and whitespace-only text into null for a %s field', (type) => {
      for (const raw of [null, '', '   ', '\t\n']) {
        expect(coerceValue(field(type, ['a']), raw, 'col')).toEqual({ ok: true, value: null });
      }
    });
  });

  describe('boolean', () => {
    accepts('boolean', [
      [true, true],
      [false, false],
      [1, true],
      [0, false],
      ['true', true],
      ['FALSE', false],
      [' Yes ', true],
      ['no', false],
      ['Y', true],
      ['n', false],
      ['t', true],
      ['F', false],
      ['1', true],
      ['0', false],
    ]);
    const hint = 'is not a boolean (true/false, yes/no, y/n, t/f or 1/0)';
    refuses('boolean', [
      ['maybe', `'maybe' ${hint}`],
      ['2', `'2' ${hint}`],
      ['on', `'on' ${hint}`],
      [2, `2 ${hint}`],
      [-1, `-1 ${hint}`],
    ]);
  });

  describe('number', () => {
    accepts('number', [
      [42, 42],
      [-0.5, -0.5],
      ['-12.5', -12.5],
      [' 7 ', 7],
      ['+3', 3],
      ['.5', 0.5],
      ['1e3', 1000],
      ['2.5E-2', 0.025],
      ['007', 7],
    ]);
    refuses('number', [
      ['abc', "'abc' is not a number"],
      ['NaN', "'NaN' is not a number"],
      ['Infinity', "'Infinity' is not a number"],
      ['12abc', "'12abc' is not a number"],
      ['1,000', "'1,000' is not a number"],
      ['1 000', "'1 000' is not a number"],
      ['0x10', "'0x10' is not a number"],
      ['1.', "'1.' is not a number"],
      ['--1', "'--1' is not a number"],
      ['1e400', "'1e400' is not a number (it is out of range)"],
      [true, 'true is not a number'],
      [Number.NaN, 'NaN is not a number'],
    ]);
  });

  describe('date', () => {
    accepts('date', [
      ['2024-02-29', '2024-02-29'],
      [' 2023-12-31 ', '2023-12-31'],
      ['2000-02-29', '2000-02-29'],
      ['2024-03-01T10:15:30Z', '2024-03-01'],
      ['2024-03-01T00:30:00+02:00', '2024-03-01'],
      ['2024-03-01T23:59:59.123-05:00', '2024-03-01'],
      ['2024-03-01 08:00', '2024-03-01'],
      ['2024-03-01T08:00:00', '2024-03-01'],
    ]);
    const hint = 'is not a date (YYYY-MM-DD, or an ISO 8601 date-time)';
    refuses('date', [
      ['2023-02-29', `'2023-02-29' ${hint}`],
      ['1900-02-29', `'1900-02-29' ${hint}`],
      ['2024-04-31', `'2024-04-31' ${hint}`],
      ['2024-13-01', `'2024-13-01' ${hint}`],
      ['2024-00-10', `'2024-00-10' ${hint}`],
      ['0000-01-01', `'0000-01-01' ${hint}`],
      ['2024-1-5', `'2024-1-5' ${hint}`],
      ['03/04/2024', `'03/04/2024' ${hint}`],
      ['20240304', `'20240304' ${hint}`],
      ['2024-03-01T24:00:00Z', `'2024-03-01T24:00:00Z' ${hint}`],
      ['2024-03-01T10:60Z', `'2024-03-01T10:60Z' ${hint}`],
      ['2024-03-01T10:00+25:00', `'2024-03-01T10:00+25:00' ${hint}`],
      ['2024-02-30T10:00:00Z', `'2024-02-30T10:00:00Z' ${hint}`],
      ['yesterday', `'yesterday' ${hint}`],
      [1709251200000, `1709251200000 ${hint}`],
      [true, `true ${hint}`],
    ]);

    it('keeps the date as written rather than moving it to UTC', () => {
      expect(calendarDate('2024-03-01T00:30:00+02:00')).toBe('2024-03-01');
      expect(calendarDate('2024-02-29T23:30:00-05:00')).toBe('2024-02-29');
    });
  });

  describe('date, in a given date_format', () => {
    const date = (raw: AttributeValue, date_format: DateFormat) =>
      coerceValue(field('date'), raw, 'start', { date_format });

    it.each<[DateFormat, string]>([
      ['MM/DD/YYYY', '2024-03-01'],
      ['DD/MM/YYYY', '2024-01-03'],
    ])('reads 03/01/2024 in %s as %s', (format, value) => {
      expect(date('03/01/2024', format)).toEqual({ ok: true, value });
    });

    it.each<[string, DateFormat, string]>([
      ['3/1/2024', 'MM/DD/YYYY', '2024-03-01'],
      ['03-01-2024', 'MM-DD-YYYY', '2024-03-01'],
      ['3.1.2024', 'MM.DD.YYYY', '2024-03-01'],
      ['31-12-2024', 'DD-MM-YYYY', '2024-12-31'],
      ['03.01.2024', 'DD.MM.YYYY', '2024-01-03'],
      ['2024/03/01', 'YYYY/MM/DD', '2024-03-01'],
      ['2024.3.1', 'YYYY.MM.DD', '2024-03-01'],
      ['02/29/2024', 'MM/DD/YYYY', '2024-02-29'],
      [' 12/31/2024 ', 'MM/DD/YYYY', '2024-12-31'],
    ])('reads %p in %s as %s', (raw, format, value) => {
      expect(date(raw, format)).toEqual({ ok: true, value });
    });

    it.each<[string, DateFormat]>([
      ['13/01/2024', 'MM/DD/YYYY'],
      ['02/30/2024', 'MM/DD/YYYY'],
      ['02/29/2023', 'MM/DD/YYYY'],
      ['31/04/2024', 'DD/MM/YYYY'],
      ['00/01/2024', 'DD/MM/YYYY'],
      ['03/01/2024', 'YYYY/MM/DD'],
      ['2024-03-01', 'MM/DD/YYYY'],
      ['03-01-2024', 'MM/DD/YYYY'],
      ['03/01.2024', 'DD.MM.YYYY'],
      ['03/01/24', 'MM/DD/YYYY'],
      ['003/01/2024', 'MM/DD/YYYY'],
      ['03/01/2024 10:00', 'MM/DD/YYYY'],
    ])('refuses %p in %s, saying which format was expected', (raw, format) => {
      expect(date(raw, format)).toEqual({
        ok: false,
        error: {
          code: 'invalid_value',
          field: 'start',
          message: `'${raw}' is not a date in ${format}`,
        },
      });
    });

    it('reads ISO 8601 by default, and says so when a value does not fit', () => {
      expect(date('2024-03-01T10:00Z', 'YYYY-MM-DD')).toEqual({ ok: true, value: '2024-03-01' });
      expect(date('03/01/2024', 'YYYY-MM-DD')).toMatchObject({
        error: {
          message: "'03/01/2024' is not a date (YYYY-MM-DD, or an ISO 8601 date-time)",
        },
      });
    });

    it('matches the calendar for every format: dateInFormat agrees with calendarDate', () => {
      for (const format of DATE_FORMATS) {
        expect(
          dateInFormat(format.replace('YYYY', '2024').replace('MM', '02').replace('DD', '29'), format),
        ).toBe('2024-02-29');
        expect(
          dateInFormat(format.replace('YYYY', '2023').replace('MM', '02').replace('DD', '29'), format),
        ).toBeNull();
      }
    });
  });

  describe('number, with a decimal comma', () => {
    const number = (raw: AttributeValue, decimal_separator: DecimalSeparator) =>
      coerceValue(field('number'), raw, 'score', { decimal_separator });

    it.each<[AttributeValue, number]>([
      ['1,5', 1.5],
      ['-0,25', -0.25],
      [',5', 0.5],
      ['7', 7],
      ['1,5e3', 1500],
      [2.5, 2.5],
    ])('reads %p as %p', (raw, value) => {
      expect(number(raw, ',')).toEqual({ ok: true, value });
    });

    it('refuses a decimal point (1.500 is fifteen hundred where commas are decimal) and thousands separators', () => {
      for (const raw of ['1.5', '1.500', '1.500,25', '1 500,25']) {
        expect(number(raw, ',')).toEqual({
          ok: false,
          error: {
            code: 'invalid_value',
            field: 'score',
            message: `'${raw}' is not a number with a decimal comma (like -12,5)`,
          },
        });
      }
    });

    it('names the option when a decimal comma comes without it', () => {
      expect(number('1,5', '.')).toEqual({
        ok: false,
        error: {
          code: 'invalid_value',
          field: 'score',
          message: `'1,5' is not a number (for a decimal comma, give "decimal_separator": ",")`,
        },
      });
    });
  });

  describe('string', () => {
    accepts('string', [
      ['hello', 'hello'],
      ['  padded  ', 'padded'],
      ['42', '42'],
      [42, '42'],
      [-1.5, '-1.5'],
      [true, 'true'],
      [false, 'false'],
    ]);
  });

  describe('select', () => {
    const options = ['Red', 'Green', 'Blue'];
    accepts(
      'select',
      [
        ['Red', 'Red'],
        [' Green ', 'Green'],
        ['red', 'Red'],
        ['BLUE', 'Blue'],
      ],
      options,
    );
    refuses(
      'select',
      [
        ['Purple', "'Purple' is not one of the options 'Red', 'Green', 'Blue'"],
        ['Re', "'Re' is not one of the options 'Red', 'Green', 'Blue'"],
        [3, "3 is not one of the options 'Red', 'Green', 'Blue'"],
      ],
      options,
    );

    it('prefers the exact spelling when options differ only by case', () => {
      expect(coerceValue(field('select', ['a', 'A']), 'A', 'col')).toEqual({ ok: true, value: 'A' });
    });

    it('matches numbers and booleans from JSON against their text', () => {
      expect(coerceValue(field('select', ['1', 'true']), 1, 'col')).toEqual({ ok: true, value: '1' });
      expect(coerceValue(field('select', ['1', 'true']), true, 'col')).toEqual({ ok: true, value: 'true' });
    });

    it('lists at most ten options in the message', () => {
      const many = Array.from({ length: 13 }, (_, i) => `o${i}`);

      const result = coerceValue(field('select', many), 'x', 'col');

      expect(result).toMatchObject({
        ok: false,
        error: { message: expect.stringMatching(/'o9' and 3 more$/) },
      });
    });
  });

  it('cuts long values short in messages', () => {
    const result = coerceValue(field('number'), 'x'.repeat(500), 'Age');

    expect(result).toEqual({
      ok: false,
      error: {
        code: 'invalid_value',
        field: 'Age',
        message: `'${'x'.repeat(64)}…' is not a number`,
      },
    });
  });
});

describe('inferFieldType', () => {
  it.each([
    [true, 'boolean'],
    [false, 'boolean'],
    [3, 'number'],
    [-2.5, 'number'],
    ['text', 'string'],
    ['42', 'string'],
    ['2024-01-01', 'string'],
    ['true', 'string'],
    [null, 'string'],
  ] as [AttributeValue, string][])('makes a field for %p a %s field', (raw, type) => {
    expect(inferFieldType(raw)).toBe(type);
  });
});

describe('fieldFromSpec', () => {
  it('labels a field with its key when no label is given, and keeps options of select fields only', () => {
    const made = { id: 7, workspace: 'w', now: '2024-01-01T00:00:00.000Z' };

    expect(fieldFromSpec({ key: 'age', type: 'number' }, made)).toEqual({
      id: 7,
      workspace: 'w',
      key: 'age',
      label: 'age',
      type: 'number',
      created_at: made.now,
    });
    expect(fieldFromSpec({ key: 'c', label: 'Colour', type: 'select', options: ['a'] }, made)).toMatchObject({
      label: 'Colour',
      options: ['a'],
    });
  });
});

describe('checkFieldSpec', () => {
  const problemsOf = (spec: FieldSpec) => {
    try {
      checkFieldSpec(spec);
    } catch (error) {
      if (error instanceof ValidationError) return error.problems;
      throw error;
    }
    return [];
  };

  it('accepts every type without options, and select with options', () => {
    for (const type of ['boolean', 'number', 'date', 'string'] as const) {
      expect(problemsOf({ key: 'k', type })).toEqual([]);
    }
    expect(problemsOf({ key: 'k', type: 'select', options: ['a', 'b'] })).toEqual([]);
  });

  it('asks a select field for its options', () => {
    expect(problemsOf({ key: 'k', type: 'select' })).toEqual([
      { pointer: '/options', message: 'is required for a select field' },
    ]);
  });

  it('refuses options on any other type', () => {
    expect(problemsOf({ key: 'k', type: 'number', options: ['1'] })).toEqual([
      { pointer: '/options', message: 'is only allowed for a select field, not a number field' },
    ]);
  });

  it('refuses options that repeat one ignoring case, or have surrounding whitespace, naming each', () => {
    expect(problemsOf({ key: 'k', type: 'select', options: ['Red', ' Blue', 'RED', 'red'] })).toEqual([
      { pointer: '/options/1', message: 'must not start or end with whitespace' },
      { pointer: '/options/2', message: "repeats option 0 ('RED'); options are matched ignoring case" },
      { pointer: '/options/3', message: "repeats option 0 ('red'); options are matched ignoring case" },
    ]);
  });

  it('says how many problems the field has', () => {
    expect(() => checkFieldSpec({ key: 'k', type: 'select', options: [' a', 'b', 'B'] })).toThrow(
      new ValidationError('The field is invalid (2 problem(s))', []),
    );
  });
});

describe('createField and listFields', () => {
  it('creates fields with increasing ids and lists them by id', async () => {
    const store = new MemoryFieldStore();

    const age = await createField(store, 't1', 'w', { key: 'age', type: 'number' });
    const colour = await createField(store, 't1', 'w', { key: 'colour', type: 'select', options: ['Red'] });

    expect(colour.id).toBeGreaterThan(age.id);
    expect((await listFields(store, 't1', 'w')).map((f) => f.key)).toEqual(['age', 'colour']);
  });

  it('writes nothing for an invalid field', async () => {
    const store = new MemoryFieldStore();

    await expect(createField(store, 't1', 'w', { key: 'k', type: 'select' })).rejects.toBeInstanceOf(
      ValidationError,
    );
    expect(store.fields.size).toBe(0);
  });

  it('refuses a key the workspace already has with a field_exists conflict', async () => {
    const store = new MemoryFieldStore();
    await createField(store, 't1', 'w', { key: 'age', type: 'number' });

    const again = createField(store, 't1', 'w', { key: 'age', type: 'string' });

    await expect(again).rejects.toBeInstanceOf(FieldExistsError);
    await expect(again).rejects.toMatchObject({ code: 'field_exists' });
  });
});
