import {
  processOptions,
  repairMultipart,
  toEngineStructure,
  uploadOptions,
} from '../../../../functions/surfaces/learninglocker/mapping.js';
import type { LlColumn, LlStructure } from '../../../../functions/surfaces/learninglocker/registry.js';

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

describe('Learning Locker multipart uploads', () => {
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
