import { isProfileKey, type PROFILE_FIELDS } from '../../core/profile.js';
import type { Attributes, Person, RowResult } from '../../core/types.js';
import { uuidPattern } from './schema.js';

/** Pure translation between MPDX's JSON:API people and the engine's rows and people. */

export const MPDX_MEDIA_TYPE = 'application/vnd.api+json';
export const MPDX_CONTENT_TYPE = 'application/vnd.api+json; charset=utf-8';
/** Intake keeps no pictures: every person shows MPDX's default avatar. */
export const DEFAULT_AVATAR = 'https://mpdx.org/images/avatar.png';

export const mpdxLimits = {
  /** Items in one bulk request; more answer 413 and nothing is applied. */
  maxItems: 100,
} as const;

export type BulkMethod = 'POST' | 'PUT' | 'DELETE';

/** A JSON:API error object. `status` is the HTTP status as a string, as JSON:API says. */
export interface JsonApiError {
  status: string;
  code: string;
  title: string;
  detail: string;
  source?: { pointer?: string; header?: string };
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  500: 'Internal Server Error',
};

export const jsonApiError = (
  status: number,
  code: string,
  detail: string,
  source?: JsonApiError['source'],
): JsonApiError => ({
  status: String(status),
  code,
  title: TITLES[status] ?? 'Error',
  detail,
  ...(source ? { source } : {}),
});

/** MPDX's whole-request message when an item has no id (nothing is applied). */
export const MISSING_ID_MESSAGE = "An 'id' is required for every single object under /data";
/** MPDX's per-item conflict message; the stored time follows in brackets. */
export const CONFLICT_MESSAGE = 'is not equal to the current value in the database';
export const UPDATED_IN_DB_AT_REQUIRED =
  'has to be sent in the list of attributes in order to update resource';

const UUID = new RegExp(uuidPattern);
export const isUuid = (id: string): boolean => UUID.test(id);
/** UUIDs compare ignoring case and are answered in lower case; other ids are kept as sent. */
export const normalizeId = (id: string): string => (isUuid(id) ? id.toLowerCase() : id);

// ---------------------------------------------------------------- timestamps

/** An engine time (ISO with milliseconds) as MPDX shows it: `2022-01-12T17:18:13Z`, whole seconds. */
export const formatTimestamp = (iso: string): string => {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
};

const CLIENT_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})?$/i;

/**
 * A client's `updated_in_db_at`, in the forms MPDX clients send (`2022-01-12 17:18:13 UTC`, ISO 8601
 * with `Z` or an offset, with or without a fraction; no zone means UTC), as epoch milliseconds at
 * whole-second precision. Null when it is not a time.
 */
export function parseClientTimestamp(value: string): number | null {
  const match = CLIENT_TIME.exec(value.trim());
  if (match === null) return null;
  const [, y, mo, d, h, mi, s, zone] = match;
  const parts = [y, mo, d, h, mi, s].map(Number) as [number, number, number, number, number, number];
  const [year, month, day, hour, minute, second] = parts;
  const utc = Date.UTC(year, month - 1, day, hour, minute, second);
  const back = new Date(utc);
  if (
    back.getUTCFullYear() !== year ||
    back.getUTCMonth() !== month - 1 ||
    back.getUTCDate() !== day ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  )
    return null;
  let offsetMinutes = 0;
  if (zone !== undefined && /^[+-]/.test(zone)) {
    const digits = zone.replace(':', '');
    const sign = digits.startsWith('-') ? -1 : 1;
    offsetMinutes = sign * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5)));
  }
  return utc - offsetMinutes * 60_000;
}

/**
 * The engine's `expected_updated_in_db_at` for a client's time. MPDX compares whole seconds and we
 * show whole seconds, while the engine keeps milliseconds and reports a conflict when the stored time
 * is later than the expected one: so the expected time is the last millisecond of the client's second.
 * A person changed in a later second conflicts; one changed within the same second does not (as in MPDX).
 */
export const expectedFrom = (clientMs: number): string => new Date(clientMs + 999).toISOString();

// ---------------------------------------------------------------- requests

/** Attributes shown in responses that a client may echo back; they are ignored. */
const READ_ONLY = new Set(['avatar', 'created_at', 'updated_at', 'parent_contacts']);

/** What one item of a bulk request asks for, or why it cannot be applied. */
export interface BulkItem {
  index: number;
  /** The person's id, normalized (`normalizeId`). */
  id: string;
  /** Non-empty: the item is answered with these and not applied. */
  errors: JsonApiError[];
  profile: Attributes;
  /** Contact ids from `relationships.contacts` (POST: required; PUT: replaces the person's). */
  contacts?: string[];
  /** Engine `expected_updated_in_db_at` (see `expectedFrom`); absent when not checked. */
  expected?: string;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const pointer = (path: string) => ({ pointer: `/data${path}` });

/** Ids of the items that have none: the request is refused as a whole, since an answer needs an id. */
export function missingIdErrors(items: { data: Json }[]): JsonApiError[] {
  return items.flatMap((item, i) =>
    typeof item.data.id === 'string' && item.data.id.trim() !== ''
      ? []
      : [jsonApiError(400, 'missing_id', MISSING_ID_MESSAGE, { pointer: `/data/${i}/data/id` })],
  );
}

function readContacts(
  relationship: unknown,
  method: BulkMethod,
  errors: JsonApiError[],
): string[] | undefined {
  const at = '/relationships/contacts';
  if (relationship === undefined) {
    if (method === 'POST')
      errors.push(
        jsonApiError(400, 'contact_required', 'A Person cannot be created without a Contact', pointer(at)),
      );
    return undefined;
  }
  if (!isObject(relationship) || !Array.isArray(relationship.data)) {
    errors.push(
      jsonApiError(
        400,
        'invalid_relationship',
        'must be {"data": [{"type": "contacts", "id"}]}',
        pointer(at),
      ),
    );
    return undefined;
  }
  const ids: string[] = [];
  relationship.data.forEach((linkage: unknown, j) => {
    const here = `${at}/data/${j}`;
    if (!isObject(linkage)) {
      errors.push(
        jsonApiError(400, 'invalid_relationship', 'must be {"type": "contacts", "id"}', pointer(here)),
      );
      return;
    }
    if (linkage.type !== 'contacts') {
      const detail = `type must be 'contacts', not ${JSON.stringify(linkage.type ?? null)}`;
      errors.push(jsonApiError(409, 'wrong_type', detail, pointer(`${here}/type`)));
      return;
    }
    if (typeof linkage.id !== 'string' || linkage.id.trim() === '') {
      errors.push(
        jsonApiError(400, 'invalid_relationship', 'a contact id is required', pointer(`${here}/id`)),
      );
      return;
    }
    ids.push(normalizeId(linkage.id));
  });
  if (ids.length === 0 && errors.length === 0) {
    const detail =
      method === 'POST'
        ? 'A Person cannot be created without a Contact'
        : 'A Person cannot be left without a Contact';
    errors.push(jsonApiError(400, 'contact_required', detail, pointer(at)));
  }
  return [...new Set(ids)];
}

/** Relationships Intake does not keep may be sent empty (clients echo responses back), never with data. */
function checkOtherRelationships(relationships: Json, errors: JsonApiError[]): void {
  for (const [name, relationship] of Object.entries(relationships)) {
    if (name === 'contacts') continue;
    const data = isObject(relationship) ? relationship.data : undefined;
    if (data === null || (Array.isArray(data) && data.length === 0)) continue;
    errors.push(
      jsonApiError(
        400,
        'unsupported_relationship',
        `'${name}' is not kept by this service; send it empty or leave it out`,
        pointer(`/relationships/${name}`),
      ),
    );
  }
}

function readUpdatedInDbAt(
  attributes: Json,
  method: BulkMethod,
  errors: JsonApiError[],
): { expected?: string } {
  if (method === 'POST') return {};
  const overwrite = attributes.overwrite;
  if (
    overwrite !== undefined &&
    typeof overwrite !== 'boolean' &&
    overwrite !== 'true' &&
    overwrite !== 'false'
  ) {
    errors.push(
      jsonApiError(400, 'invalid_value', 'overwrite must be true or false', pointer('/attributes/overwrite')),
    );
    return {};
  }
  if (overwrite === true || overwrite === 'true') return {};
  const value = attributes.updated_in_db_at;
  const at = pointer('/attributes/updated_in_db_at');
  if (value === undefined || value === null || value === '') {
    if (method === 'PUT')
      errors.push(jsonApiError(400, 'updated_in_db_at_required', UPDATED_IN_DB_AT_REQUIRED, at));
    return {};
  }
  const ms = typeof value === 'string' ? parseClientTimestamp(value) : null;
  if (ms === null) {
    const detail = `${JSON.stringify(value)} is not a time (send it as "2022-01-12T17:18:13Z" or "2022-01-12 17:18:13 UTC")`;
    errors.push(jsonApiError(400, 'invalid_value', detail, at));
    return {};
  }
  return { expected: expectedFrom(ms) };
}

function readProfile(attributes: Json, errors: JsonApiError[]): Attributes {
  const profile: Attributes = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (key === 'updated_in_db_at' || key === 'overwrite' || READ_ONLY.has(key)) continue;
    const at = pointer(`/attributes/${key}`);
    if (!isProfileKey(key)) {
      errors.push(jsonApiError(400, 'unknown_attribute', `'${key}' is not a person attribute`, at));
      continue;
    }
    if (value !== null && !['string', 'number', 'boolean'].includes(typeof value)) {
      errors.push(jsonApiError(400, 'invalid_value', `${key} must be a string, number, boolean or null`, at));
      continue;
    }
    profile[key] = value as Attributes[string];
  }
  return profile;
}

/**
 * Reads one item (`{"data": {"type", "id", "attributes", "relationships"}}`) of a bulk request whose
 * ids are all present. POST needs a UUID id, attributes and a contact; PUT needs `updated_in_db_at`
 * (unless `overwrite`); DELETE reads only the id and an optional `updated_in_db_at`.
 */
export function readBulkItem(method: BulkMethod, data: Json, index: number): BulkItem {
  const id = normalizeId(String(data.id));
  const errors: JsonApiError[] = [];
  if (data.type !== 'people') {
    const detail = `type must be 'people', not ${JSON.stringify(data.type ?? null)}`;
    errors.push(jsonApiError(409, 'wrong_type', detail, pointer('/type')));
  }
  if (method === 'POST' && !isUuid(id))
    errors.push(jsonApiError(400, 'invalid_id', 'id must be a client-generated UUID', pointer('/id')));

  const attributes = data.attributes;
  if (attributes !== undefined && !isObject(attributes)) {
    errors.push(
      jsonApiError(400, 'invalid_attributes', 'attributes must be an object', pointer('/attributes')),
    );
  } else if (attributes === undefined && method !== 'DELETE') {
    errors.push(jsonApiError(400, 'attributes_required', 'attributes are required', pointer('/attributes')));
  }
  const attrs = isObject(attributes) ? attributes : {};
  const { expected } = readUpdatedInDbAt(attrs, method, errors);
  if (method === 'DELETE') return { index, id, errors, profile: {}, ...(expected ? { expected } : {}) };

  const profile = readProfile(attrs, errors);
  const relationships = data.relationships;
  let contacts: string[] | undefined;
  if (relationships !== undefined && !isObject(relationships)) {
    errors.push(
      jsonApiError(
        400,
        'invalid_relationships',
        'relationships must be an object',
        pointer('/relationships'),
      ),
    );
  } else {
    const rels = relationships ?? {};
    contacts = readContacts(rels.contacts, method, errors);
    checkOtherRelationships(rels, errors);
  }
  return {
    index,
    id,
    errors,
    profile,
    ...(contacts ? { contacts } : {}),
    ...(expected ? { expected } : {}),
  };
}

/** Later items naming an id an earlier item of the request already named. */
export function duplicateIdError(firstIndex: number): JsonApiError {
  return jsonApiError(
    409,
    'duplicate_id',
    `this id is already used by item ${firstIndex} of this request`,
    pointer('/id'),
  );
}

// ---------------------------------------------------------------- responses

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
