import { type HttpResult, json } from '../../api/http.js';
import type { SurfaceErrorFormat } from '../../api/middleware.js';
import { isProfileKey, type PROFILE_FIELDS } from '../../core/profile.js';
import type { Person, RowResult } from '../../core/types.js';
import { type JsonApiError, jsonApiError, MPDX_CONTENT_TYPE, dataPointer as pointer } from './json-api.js';
import type { Contact } from './registry.js';
import { formatTimestamp } from './timestamps.js';

/** What MPDX shows: people as JSON:API resources, an item's errors, contacts, and error documents. */

/** Intake keeps no pictures: every person shows MPDX's default avatar. */
export const DEFAULT_AVATAR = 'https://mpdx.org/images/avatar.png';
/** MPDX's per-item conflict message; the stored time follows in brackets. */
export const CONFLICT_MESSAGE = 'is not equal to the current value in the database';
const RELATIONSHIPS = [
  'email_addresses',
  'facebook_accounts',
  'family_relationships',
  'linkedin_accounts',
  'phone_numbers',
  'twitter_accounts',
  'websites',
] as const;

const BOOLEAN_DEFAULTS = { deceased: false, optout_enewsletter: false } as const;

/** A person as an MPDX `people` resource object, every documented attribute present. */
export function presentPerson(person: Person) {
  const value = (key: keyof typeof PROFILE_FIELDS) =>
    person.profile[key] ??
    (key in BOOLEAN_DEFAULTS ? BOOLEAN_DEFAULTS[key as keyof typeof BOOLEAN_DEFAULTS] : null);
  const updated = formatTimestamp(person.updated_in_db_at);
  return {
    id: person.id,
    type: 'people' as const,
    attributes: {
      alma_mater: value('alma_mater'),
      anniversary_day: value('anniversary_day'),
      anniversary_month: value('anniversary_month'),
      anniversary_year: value('anniversary_year'),
      avatar: DEFAULT_AVATAR,
      birthday_day: value('birthday_day'),
      birthday_month: value('birthday_month'),
      birthday_year: value('birthday_year'),
      created_at: formatTimestamp(person.created_at),
      deceased: value('deceased'),
      employer: value('employer'),
      first_name: value('first_name'),
      gender: value('gender'),
      last_name: value('last_name'),
      legal_first_name: value('legal_first_name'),
      marital_status: value('marital_status'),
      middle_name: value('middle_name'),
      occupation: value('occupation'),
      optout_enewsletter: value('optout_enewsletter'),
      parent_contacts: [...person.contacts],
      suffix: value('suffix'),
      title: value('title'),
      updated_at: updated,
      updated_in_db_at: updated,
    },
    relationships: Object.fromEntries(RELATIONSHIPS.map((name) => [name, { data: [] }])),
  };
}

/** The status an engine error code answers with inside an item. */
const statusOfCode = (code: string): number =>
  code === 'not_found' ? 404 : code === 'already_exists' || code === 'conflict' ? 409 : 400;

/**
 * An engine row result that did not succeed, as the item's JSON:API errors. `current` is the stored
 * person (for a conflict: its time, as MPDX puts it in the message).
 */
export function errorsOfResult(result: RowResult, current: Person | null): JsonApiError[] {
  if (result.outcome === 'conflict') {
    const when = current ? ` (${formatTimestamp(current.updated_in_db_at)})` : '';
    return [
      jsonApiError(409, 'conflict', `${CONFLICT_MESSAGE}${when}`, pointer('/attributes/updated_in_db_at')),
    ];
  }
  const errors =
    result.errors.length > 0 ? result.errors : [{ code: result.outcome, message: result.outcome }];
  return errors.map((error) =>
    jsonApiError(
      statusOfCode(error.code),
      error.code,
      error.message,
      pointer(
        error.field && isProfileKey(error.field)
          ? `/attributes/${error.field}`
          : error.code === 'not_found' || error.code === 'already_exists'
            ? '/id'
            : '',
      ),
    ),
  );
}

/** Outcomes that answer with the person. */
export const SUCCEEDED = new Set<RowResult['outcome']>(['created', 'updated', 'unchanged', 'deleted']);

export const presentContact = (contact: Contact) => ({
  id: contact.id,
  object: 'contact',
  workspace: contact.workspace,
  name: contact.name,
  created_at: contact.created_at,
});

/** A JSON:API answer, in MPDX's content type. */
export const jsonApi = (status: number, body: unknown, headers: Record<string, string> = {}): HttpResult =>
  json(status, body, { 'content-type': MPDX_CONTENT_TYPE, ...headers });

/** A JSON:API error document. */
export const errorDocument = (status: number, errors: JsonApiError[]): HttpResult =>
  jsonApi(status, { errors });

/** MPDX's error bodies: JSON:API error documents, one error per problem. */
export const mpdxErrors: SurfaceErrorFormat = {
  matches: (path) => /^\/api\/v2\/contacts(\/|$)/.test(path),
  format: ({ status, code, message, problems }) =>
    errorDocument(
      status,
      problems && problems.length > 0
        ? problems.map((problem) => jsonApiError(status, code, problem.message, { pointer: problem.pointer }))
        : [jsonApiError(status, code, message)],
    ),
};
