import {
  type EarlierImport,
  proposeStructure,
  structureFromEarlier,
} from '../../../../functions/surfaces/learninglocker/proposal.js';
import type { LlColumn } from '../../../../functions/surfaces/learninglocker/registry.js';

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
