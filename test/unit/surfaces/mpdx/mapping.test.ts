import {
  MISSING_ID_MESSAGE,
  missingIdErrors,
  normalizeId,
  readBulkItem,
  UPDATED_IN_DB_AT_REQUIRED,
} from '../../../../functions/surfaces/mpdx/mapping.js';
import { DEFAULT_AVATAR } from '../../../../functions/surfaces/mpdx/presenters.js';

const PERSON_ID = '93ea940a-f9c1-4a9e-bc15-b7563942213e';
const CONTACT_ID = 'fa94fcca-099d-4b1d-9540-96469f34213d';

const postItem = (overrides: Record<string, unknown> = {}) => ({
  type: 'people',
  id: PERSON_ID,
  attributes: { first_name: 'Hans', last_name: 'Jerde', updated_in_db_at: '2022-01-12 17:18:13 UTC' },
  relationships: { contacts: { data: [{ type: 'contacts', id: CONTACT_ID }] } },
  ...overrides,
});

const codes = (item: { errors: { code: string; status: string; source?: { pointer?: string } }[] }) =>
  item.errors.map((e) => [e.status, e.code, e.source?.pointer]);

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

  it("reads overwrite from the item's attributes only, as docs/compat.md places it", () => {
    const bare = { type: 'people', id: PERSON_ID, attributes: { first_name: 'Maryanna' } };
    const withAttributes = (attributes: Record<string, unknown>) => ({
      ...bare,
      attributes: { ...bare.attributes, ...attributes },
    });

    // Beside attributes, not in them: not read, so updated_in_db_at is still required.
    expect(codes(readBulkItem('PUT', { ...bare, overwrite: true }, 0))).toEqual([
      ['400', 'updated_in_db_at_required', '/data/attributes/updated_in_db_at'],
    ]);
    // The text "true" counts; with it, even a malformed updated_in_db_at is not read.
    expect(
      readBulkItem('PUT', withAttributes({ overwrite: 'true', updated_in_db_at: 'soon' }), 0),
    ).toMatchObject({ errors: [], profile: { first_name: 'Maryanna' } });
    expect(codes(readBulkItem('PUT', withAttributes({ overwrite: 'false' }), 0))).toEqual([
      ['400', 'updated_in_db_at_required', '/data/attributes/updated_in_db_at'],
    ]);
    expect(codes(readBulkItem('PUT', withAttributes({ overwrite: 1 }), 0))).toEqual([
      ['400', 'invalid_value', '/data/attributes/overwrite'],
    ]);
    // DELETE: a stale time with overwrite is not checked (no expected time goes to the engine).
    const deleted = readBulkItem(
      'DELETE',
      { ...bare, attributes: { overwrite: true, updated_in_db_at: '2022-01-12T17:18:13Z' } },
      0,
    );
    expect(deleted.errors).toEqual([]);
    expect(deleted.expected).toBeUndefined();
    // POST: ignored, never an attribute of the person.
    const posted = readBulkItem(
      'POST',
      {
        ...withAttributes({ overwrite: 'maybe' }),
        relationships: { contacts: { data: [{ type: 'contacts', id: PERSON_ID }] } },
      },
      0,
    );
    expect(posted.errors).toEqual([]);
    expect(posted.profile).toEqual({ first_name: 'Maryanna' });
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
