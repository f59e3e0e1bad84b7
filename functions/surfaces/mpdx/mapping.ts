import { isProfileKey } from '../../core/profile.js';
import type { Attributes } from '../../core/types.js';
import { type JsonApiError, jsonApiError, dataPointer as pointer } from './json-api.js';
import { uuidPattern } from './schema.js';
import { expectedFrom, parseClientTimestamp } from './timestamps.js';

/** MPDX's bulk requests read item by item into what each asks of the engine, or why it cannot. */

export const mpdxLimits = {
  /** Items in one bulk request; more answer 413 and nothing is applied. */
  maxItems: 100,
} as const;

export type BulkMethod = 'POST' | 'PUT' | 'DELETE';

/** MPDX's whole-request message when an item has no id (nothing is applied). */
export const MISSING_ID_MESSAGE = "An 'id' is required for every single object under /data";
export const UPDATED_IN_DB_AT_REQUIRED =
  'has to be sent in the list of attributes in order to update resource';

const UUID = new RegExp(uuidPattern);
export const isUuid = (id: string): boolean => UUID.test(id);
/** UUIDs compare ignoring case and are answered in lower case; other ids are kept as sent. */
export const normalizeId = (id: string): string => (isUuid(id) ? id.toLowerCase() : id);

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
