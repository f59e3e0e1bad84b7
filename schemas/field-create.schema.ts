import { FIELD_TYPES, fieldLimits } from '../functions/core/fields.js';
import { RESERVED_KEYS } from '../functions/core/reserved-keys.js';
import { workspaceSchema } from './import-create.schema.js';

/**
 * A field key: what records use as an attribute name (the same rules), with at least one character
 * that is not whitespace (the pattern; so no `minLength`, which would report an empty key twice).
 */
export const fieldKeySchema = {
  type: 'string',
  maxLength: fieldLimits.maxKeyLength,
  pattern: '\\S',
  not: { enum: RESERVED_KEYS },
} as const;

/** `POST /v1/workspaces/{workspace}/fields`. Options go with select fields only (checked after the schema). */
export const fieldCreateSchema = {
  $id: 'https://intake.dev/schemas/field-create.json',
  type: 'object',
  additionalProperties: false,
  required: ['key', 'type'],
  properties: {
    key: fieldKeySchema,
    label: { type: 'string', minLength: 1, maxLength: fieldLimits.maxLabelLength },
    type: { type: 'string', enum: FIELD_TYPES },
    options: {
      type: 'array',
      minItems: 1,
      maxItems: fieldLimits.maxOptions,
      uniqueItems: true,
      items: { type: 'string', minLength: 1, maxLength: fieldLimits.maxOptionLength },
    },
  },
} as const;

/** The path parameters of `/v1/workspaces/{workspace}/fields`. */
export const fieldsPathSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['workspace'],
  properties: { workspace: workspaceSchema },
} as const;
