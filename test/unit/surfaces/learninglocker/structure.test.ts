import {
  COLUMN_TYPES,
  type LlColumn,
  type LlStructure,
} from '../../../../functions/surfaces/learninglocker/registry.js';
import {
  fitStructure,
  parseStructure,
  sameStructure,
} from '../../../../functions/surfaces/learninglocker/structure.js';

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
