import type { Person } from '../../../../functions/core/types.js';
import { errorsOfResult, presentPerson } from '../../../../functions/surfaces/mpdx/presenters.js';

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

describe('presentPerson', () => {
  it('shows every documented attribute and relationship, with MPDX defaults for what is not set', () => {
    const shown = presentPerson(person());

    expect(shown).toEqual({
      id: PERSON_ID,
      type: 'people',
      attributes: {
        alma_mater: null,
        anniversary_day: null,
        anniversary_month: null,
        anniversary_year: null,
        avatar: 'https://mpdx.org/images/avatar.png',
        birthday_day: null,
        birthday_month: null,
        birthday_year: null,
        created_at: '2022-01-12T17:18:13Z',
        deceased: false,
        employer: null,
        first_name: 'Hans',
        gender: null,
        last_name: 'Jerde',
        legal_first_name: null,
        marital_status: null,
        middle_name: null,
        occupation: null,
        optout_enewsletter: false,
        parent_contacts: [CONTACT_ID],
        suffix: null,
        title: null,
        updated_at: '2022-01-12T17:18:13Z',
        updated_in_db_at: '2022-01-12T17:18:13Z',
      },
      relationships: {
        email_addresses: { data: [] },
        facebook_accounts: { data: [] },
        family_relationships: { data: [] },
        linkedin_accounts: { data: [] },
        phone_numbers: { data: [] },
        twitter_accounts: { data: [] },
        websites: { data: [] },
      },
    });
  });

  it('shows stored profile values, booleans included', () => {
    const shown = presentPerson(person({ profile: { birthday_month: 4, deceased: true, title: 'Dr' } }));

    expect(shown.attributes).toMatchObject({
      birthday_month: 4,
      deceased: true,
      title: 'Dr',
      first_name: null,
    });
  });
});

describe('errorsOfResult', () => {
  it("answers a conflict with 409 and the stored time, in MPDX's words", () => {
    const errors = errorsOfResult(
      { row: 1, outcome: 'conflict', person_id: PERSON_ID, errors: [{ code: 'conflict', message: 'x' }] },
      person({ updated_in_db_at: '2022-01-12T18:00:00.500Z' }),
    );

    expect(errors).toEqual([
      {
        status: '409',
        code: 'conflict',
        title: 'Conflict',
        detail: 'is not equal to the current value in the database (2022-01-12T18:00:00Z)',
        source: { pointer: '/data/attributes/updated_in_db_at' },
      },
    ]);
  });

  it('answers not found with 404, and an invalid profile value with 400 at its attribute', () => {
    const notFound = errorsOfResult(
      { row: 1, outcome: 'failed', person_id: null, errors: [{ code: 'not_found', message: 'No person' }] },
      null,
    );
    const invalid = errorsOfResult(
      {
        row: 1,
        outcome: 'skipped',
        person_id: null,
        errors: [{ code: 'invalid_value', field: 'birthday_month', message: '13 is not a month' }],
      },
      null,
    );

    expect(notFound.map((e) => [e.status, e.source?.pointer])).toEqual([['404', '/data/id']]);
    expect(invalid.map((e) => [e.status, e.source?.pointer])).toEqual([
      ['400', '/data/attributes/birthday_month'],
    ]);
  });
});
