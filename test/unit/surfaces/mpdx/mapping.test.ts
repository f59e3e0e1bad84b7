import { defaultOptions } from '../../../../functions/core/create-import.js';
import { planRow } from '../../../../functions/core/planner.js';
import type { Person } from '../../../../functions/core/types.js';
import {
  DEFAULT_AVATAR,
  errorsOfResult,
  expectedFrom,
  formatTimestamp,
  MISSING_ID_MESSAGE,
  missingIdErrors,
  normalizeId,
  parseClientTimestamp,
  presentPerson,
  readBulkItem,
  UPDATED_IN_DB_AT_REQUIRED,
} from '../../../../functions/surfaces/mpdx/mapping.js';

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

const postItem = (overrides: Record<string, unknown> = {}) => ({
  type: 'people',
  id: PERSON_ID,
  attributes: { first_name: 'Hans', last_name: 'Jerde', updated_in_db_at: '2022-01-12 17:18:13 UTC' },
  relationships: { contacts: { data: [{ type: 'contacts', id: CONTACT_ID }] } },
  ...overrides,
});

const codes = (item: { errors: { code: string; status: string; source?: { pointer?: string } }[] }) =>
  item.errors.map((e) => [e.status, e.code, e.source?.pointer]);

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

describe('readBulkItem', () => {
  it('reads a documented POST item: profile fields, its contact, and no conflict check', () => {
    const item = readBulkItem('POST', postItem(), 0);

    expect(item).toEqual({
      index: 0,
      id: PERSON_ID,
      errors: [],
      profile: { first_name: 'Hans', last_name: 'Jerde' },
      contacts: [CONTACT_ID],
    });
  });

  it('answers UUIDs in lower case', () => {
    expect(readBulkItem('POST', postItem({ id: PERSON_ID.toUpperCase() }), 0).id).toBe(PERSON_ID);
    expect(normalizeId('per_01ABC')).toBe('per_01ABC');
  });

  it('fails an item whose type is not people with 409 at /data/type', () => {
    expect(codes(readBulkItem('POST', postItem({ type: 'contacts' }), 0))).toEqual([
      ['409', 'wrong_type', '/data/type'],
    ]);
    expect(codes(readBulkItem('DELETE', { id: PERSON_ID }, 0))).toEqual([
      ['409', 'wrong_type', '/data/type'],
    ]);
  });

  it('requires a client-generated UUID to create a person', () => {
    expect(codes(readBulkItem('POST', postItem({ id: 'steve' }), 0))).toEqual([
      ['400', 'invalid_id', '/data/id'],
    ]);
  });

  it('requires a contact to create a person', () => {
    expect(codes(readBulkItem('POST', postItem({ relationships: undefined }), 0))).toEqual([
      ['400', 'contact_required', '/data/relationships/contacts'],
    ]);
    expect(codes(readBulkItem('POST', postItem({ relationships: { contacts: { data: [] } } }), 0))).toEqual([
      ['400', 'contact_required', '/data/relationships/contacts'],
    ]);
  });

  it('fails a contact linkage of another type with 409 at its pointer', () => {
    const item = readBulkItem(
      'POST',
      postItem({ relationships: { contacts: { data: [{ type: 'people', id: CONTACT_ID }] } } }),
      0,
    );

    expect(codes(item)).toEqual([['409', 'wrong_type', '/data/relationships/contacts/data/0/type']]);
  });

  it('ignores read-only attributes a client echoes back, and refuses unknown ones', () => {
    const echoed = readBulkItem(
      'POST',
      postItem({
        attributes: {
          first_name: 'Hans',
          avatar: DEFAULT_AVATAR,
          created_at: 'x',
          updated_at: 'x',
          parent_contacts: [CONTACT_ID],
          more_attributes: '...etc',
          middle_name: { nested: true },
        },
      }),
      0,
    );

    expect(echoed.profile).toEqual({ first_name: 'Hans' });
    expect(codes(echoed)).toEqual([
      ['400', 'unknown_attribute', '/data/attributes/more_attributes'],
      ['400', 'invalid_value', '/data/attributes/middle_name'],
    ]);
  });

  it('accepts relationships Intake does not keep only when they are empty', () => {
    const empty = { data: [] };
    const item = readBulkItem(
      'POST',
      postItem({
        relationships: {
          contacts: { data: [{ type: 'contacts', id: CONTACT_ID }] },
          email_addresses: empty,
          websites: { data: [{ type: 'websites', id: 'w1' }] },
        },
      }),
      0,
    );

    expect(codes(item)).toEqual([['400', 'unsupported_relationship', '/data/relationships/websites']]);
  });

  it('requires updated_in_db_at on PUT, as MPDX does, unless overwrite is true', () => {
    const bare = { type: 'people', id: PERSON_ID, attributes: { first_name: 'Maryanna' } };

    const missing = readBulkItem('PUT', bare, 0);
    const overwritten = readBulkItem(
      'PUT',
      { ...bare, attributes: { ...bare.attributes, overwrite: true } },
      0,
    );

    expect(codes(missing)).toEqual([
      ['400', 'updated_in_db_at_required', '/data/attributes/updated_in_db_at'],
    ]);
    expect(missing.errors[0]?.detail).toBe(UPDATED_IN_DB_AT_REQUIRED);
    expect(overwritten).toMatchObject({ errors: [], profile: { first_name: 'Maryanna' } });
    expect(overwritten.expected).toBeUndefined();
  });

  it('turns the PUT updated_in_db_at into the last millisecond of its second', () => {
    const item = readBulkItem(
      'PUT',
      {
        type: 'people',
        id: PERSON_ID,
        attributes: { last_name: 'Bergnaum', updated_in_db_at: '2022-01-12 17:18:13 UTC' },
      },
      2,
    );

    expect(item).toEqual({
      index: 2,
      id: PERSON_ID,
      errors: [],
      profile: { last_name: 'Bergnaum' },
      expected: '2022-01-12T17:18:13.999Z',
    });
  });

  it('refuses an updated_in_db_at that is not a time', () => {
    const item = readBulkItem(
      'PUT',
      { type: 'people', id: PERSON_ID, attributes: { updated_in_db_at: 12 } },
      0,
    );

    expect(codes(item)).toEqual([['400', 'invalid_value', '/data/attributes/updated_in_db_at']]);
  });

  it('keeps a PUT contacts relationship as the new contacts, and refuses an empty one', () => {
    const attributes = { updated_in_db_at: '2022-01-12T17:18:13Z' };
    const relationships = (data: unknown[]) => ({ contacts: { data } });

    const replaced = readBulkItem(
      'PUT',
      {
        type: 'people',
        id: PERSON_ID,
        attributes,
        relationships: relationships([{ type: 'contacts', id: CONTACT_ID }]),
      },
      0,
    );
    const emptied = readBulkItem(
      'PUT',
      { type: 'people', id: PERSON_ID, attributes, relationships: relationships([]) },
      0,
    );
    const untouched = readBulkItem('PUT', { type: 'people', id: PERSON_ID, attributes }, 0);

    expect(replaced.contacts).toEqual([CONTACT_ID]);
    expect(codes(emptied)).toEqual([['400', 'contact_required', '/data/relationships/contacts']]);
    expect(untouched.contacts).toBeUndefined();
  });

  it('reads only the id and an optional updated_in_db_at of a DELETE item', () => {
    expect(readBulkItem('DELETE', { type: 'people', id: 'per_01abc' }, 4)).toEqual({
      index: 4,
      id: 'per_01abc',
      errors: [],
      profile: {},
    });
    expect(
      readBulkItem(
        'DELETE',
        { type: 'people', id: PERSON_ID, attributes: { updated_in_db_at: '2022-01-12T17:18:13Z' } },
        0,
      ).expected,
    ).toBe('2022-01-12T17:18:13.999Z');
  });
});

describe('missingIdErrors', () => {
  it("points at every item without an id, with MPDX's message", () => {
    const errors = missingIdErrors([{ data: { id: PERSON_ID } }, { data: {} }, { data: { id: ' ' } }]);

    expect(errors).toEqual([
      {
        status: '400',
        code: 'missing_id',
        title: 'Bad Request',
        detail: MISSING_ID_MESSAGE,
        source: { pointer: '/data/1/data/id' },
      },
      {
        status: '400',
        code: 'missing_id',
        title: 'Bad Request',
        detail: MISSING_ID_MESSAGE,
        source: { pointer: '/data/2/data/id' },
      },
    ]);
  });
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
