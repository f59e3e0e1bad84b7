import { defaultOptions } from '../../../../functions/core/create-import.js';
import { planRow } from '../../../../functions/core/planner.js';
import type { Person } from '../../../../functions/core/types.js';
import {
  expectedFrom,
  formatTimestamp,
  parseClientTimestamp,
} from '../../../../functions/surfaces/mpdx/timestamps.js';

const PERSON_ID = '93ea940a-f9c1-4a9e-bc15-b7563942213e';
const CONTACT_ID = 'fa94fcca-099d-4b1d-9540-96469f34213d';

const person = (overrides: Partial<Person> = {}): Person => ({
  id: PERSON_ID,
  workspace: 'list-1',
  identifiers: [],
  profile: { first_name: 'Hans', last_name: 'Jerde' },
  attributes: {},
  contacts: [CONTACT_ID],
  version: 1,
  created_at: '2022-01-12T17:18:13.123Z',
  updated_in_db_at: '2022-01-12T17:18:13.456Z',
  ...overrides,
});

describe('MPDX timestamps', () => {
  it('reads the forms MPDX clients send, to the whole second', () => {
    const second = Date.UTC(2022, 0, 12, 17, 18, 13);

    expect(parseClientTimestamp('2022-01-12 17:18:13 UTC')).toBe(second);
    expect(parseClientTimestamp('2022-01-12T17:18:13Z')).toBe(second);
    expect(parseClientTimestamp('2022-01-12T17:18:13.987Z')).toBe(second);
    expect(parseClientTimestamp('2022-01-12T17:18:13')).toBe(second);
    expect(parseClientTimestamp('2022-01-12T19:18:13+02:00')).toBe(second);
    expect(parseClientTimestamp('2022-01-12 12:18:13 -0500')).toBe(second);
  });

  it('refuses text that is not a real time', () => {
    expect(parseClientTimestamp('2022-02-30 10:00:00 UTC')).toBeNull();
    expect(parseClientTimestamp('2022-13-01T00:00:00Z')).toBeNull();
    expect(parseClientTimestamp('2022-01-01T24:00:00Z')).toBeNull();
    expect(parseClientTimestamp('yesterday')).toBeNull();
    expect(parseClientTimestamp('1642007893')).toBeNull();
  });

  it('shows engine times without milliseconds, as the documented examples do', () => {
    expect(formatTimestamp('2022-01-12T17:18:13.999Z')).toBe('2022-01-12T17:18:13Z');
  });

  it('makes a change within the shown second no conflict, and one in a later second a conflict', () => {
    const shown = parseClientTimestamp(formatTimestamp('2022-01-12T17:18:13.456Z')) ?? Number.NaN;
    const plan = (storedAt: string) =>
      planRow(
        {
          row: 1,
          input: {
            identifiers: [],
            person_id: PERSON_ID,
            profile: { first_name: 'Maryanna' },
            attributes: {},
            expected_updated_in_db_at: expectedFrom(shown),
          },
          errors: [],
        },
        { ...defaultOptions(), operation: 'update', match_on: ['person_id'] },
        {
          workspace: 'list-1',
          owners: new Map(),
          people: new Map([[PERSON_ID, person({ updated_in_db_at: storedAt })]]),
          now: '2022-01-12T17:30:00.000Z',
          newPersonId: () => 'unused',
        },
      );

    expect(expectedFrom(shown)).toBe('2022-01-12T17:18:13.999Z');
    expect(plan('2022-01-12T17:18:13.999Z').result.outcome).toBe('updated');
    expect(plan('2022-01-12T17:18:14.000Z').result.outcome).toBe('conflict');
  });
});
