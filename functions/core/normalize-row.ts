import { coerceValue, type Field, type FieldSpec, inferFieldType } from './fields.js';
import { identityKey, normalizeIdentifier } from './identifiers.js';
import { checkProfileValue, isProfileKey } from './profile.js';
import { isReservedKey, RESERVED_KEYS } from './reserved-keys.js';
import type { Attributes, AttributeValue, Identifier, ImportOptions, RowError, RowInput } from './types.js';

const isBlank = (value: AttributeValue | undefined): boolean =>
  value === null || value === undefined || (typeof value === 'string' && value.trim() === '');

export interface NormalizeContext {
  /** The workspace's fields by key. */
  fields: ReadonlyMap<string, Field>;
  options: Pick<
    ImportOptions,
    'create_missing_fields' | 'match_on' | 'operation' | 'date_format' | 'decimal_separator'
  >;
  /** The column or key a value came from, for messages: `attributes.age` → `Age`. */
  label?: (path: string) => string;
}

export interface NormalizedRow {
  input: RowInput;
  errors: RowError[];
  /** Fields the row needs that do not exist yet (created before processing when allowed). */
  missingFields: FieldSpec[];
}

/**
 * Validates one row and puts its values in canonical form: identifiers normalized and de-duplicated,
 * profile values checked, attribute values coerced to their field's type. Every problem is a row
 * error naming the column, so the other rows go on.
 */
export function normalizeRow(raw: RowInput, ctx: NormalizeContext): NormalizedRow {
  const label = ctx.label ?? ((path: string) => path.replace(/^(attributes|profile)\./, ''));
  const errors: RowError[] = [];
  const missingFields: FieldSpec[] = [];

  const identifiers: Identifier[] = [];
  const seen = new Set<string>();
  raw.identifiers.forEach((identifier, index) => {
    if (isBlank(identifier.value)) return;
    let normalized = normalizeIdentifier(identifier.kind, identifier.value);
    if (!normalized.ok) {
      // Named after its column: worked out only for a row error, not for every row.
      const column = ctx.label?.(`identifiers.${index}`) ?? identifier.kind;
      normalized = normalizeIdentifier(identifier.kind, identifier.value, column);
      if (!normalized.ok) errors.push(normalized.error);
      return;
    }
    const clean = { kind: identifier.kind, value: normalized.value };
    const key = identityKey(clean);
    if (!seen.has(key)) identifiers.push(clean);
    seen.add(key);
  });

  // Plain objects (a null-prototype object is a slow dictionary in V8): keys are checked before they are set.
  const profile: Attributes = {};
  for (const [key, value] of Object.entries(raw.profile)) {
    const column = label(`profile.${key}`);
    if (!isProfileKey(key)) {
      errors.push({ code: 'unknown_field', field: column, message: 'is not a person field' });
      continue;
    }
    if (isBlank(value)) {
      profile[key] = null;
      continue;
    }
    const checked = checkProfileValue(key, value, column);
    if (checked.ok) profile[key] = checked.value;
    else errors.push(checked.error);
  }

  const attributes: Attributes = {};
  for (const [key, value] of Object.entries(raw.attributes)) {
    // The column names the value in row errors and new fields; most values need neither.
    const column = () => label(`attributes.${key}`);
    if (isReservedKey(key) || key.trim() === '') {
      errors.push({
        code: 'invalid_field_name',
        field: column(),
        message: `cannot be a field name (empty, or one of ${RESERVED_KEYS.join(', ')})`,
      });
      continue;
    }
    if (isBlank(value)) {
      attributes[key] = null;
      continue;
    }
    const field = ctx.fields.get(key);
    if (field === undefined) {
      if (!ctx.options.create_missing_fields) {
        errors.push({
          code: 'unknown_field',
          field: column(),
          message: 'is not a field of this workspace (create it, or allow create_missing_fields)',
        });
        continue;
      }
      if (!missingFields.some((spec) => spec.key === key)) {
        missingFields.push({ key, label: column(), type: inferFieldType(value) });
      }
      attributes[key] = value;
      continue;
    }
    const coerced = coerceValue(field, value, key, ctx.options);
    if (coerced.ok) attributes[key] = coerced.value;
    else {
      const named = coerceValue(field, value, column(), ctx.options);
      if (!named.ok) errors.push(named.error);
    }
  }

  const usable = identifiers.length > 0 || (raw.person_id !== undefined && raw.person_id !== '');
  if (errors.length === 0 && !usable) {
    errors.push({
      code: 'missing_identifier',
      message: `Row has no identifier: give at least one of ${ctx.options.match_on.join(', ')}`,
    });
  }

  return {
    input: {
      identifiers,
      ...(raw.person_id ? { person_id: raw.person_id } : {}),
      profile,
      attributes,
      ...(raw.contacts ? { contacts: raw.contacts } : {}),
      ...(raw.expected_updated_in_db_at ? { expected_updated_in_db_at: raw.expected_updated_in_db_at } : {}),
    },
    errors,
    missingFields,
  };
}
