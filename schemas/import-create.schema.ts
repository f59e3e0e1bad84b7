import { limits } from '../functions/core/limits.js';
import { RESERVED_KEYS } from '../functions/core/reserved-keys.js';
import {
  DATE_FORMATS,
  DECIMAL_SEPARATORS,
  IDENTIFIER_KINDS,
  MATCH_KINDS,
  OPERATIONS,
} from '../functions/core/types.js';
import { personRecordSchema } from './person-record.schema.js';

export const workspaceSchema = {
  type: 'string',
  minLength: 1,
  maxLength: 128,
  pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$',
} as const;

export const importOptionsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    operation: { type: 'string', enum: OPERATIONS },
    match_on: {
      type: 'array',
      minItems: 1,
      uniqueItems: true,
      items: { type: 'string', enum: MATCH_KINDS },
    },
    on_ambiguous_match: { type: 'string', enum: ['error', 'skip', 'merge'] },
    skip_invalid: { type: 'boolean' },
    create_missing_fields: { type: 'boolean' },
    attributes_only: { type: 'boolean' },
    replace_attributes: { type: 'boolean' },
    delete_unmatched: { type: 'boolean' },
    blank_cells: { type: 'string', enum: ['ignore', 'clear'] },
    dry_run: { type: 'boolean' },
    date_format: {
      type: 'string',
      enum: DATE_FORMATS,
      description:
        'How date values written as text are read: YYYY-MM-DD (the default) is ISO 8601, date-times too; the others are that order and separator, a four-digit year, day and month with or without a leading zero (3/1/2024)',
    },
    decimal_separator: {
      type: 'string',
      enum: DECIMAL_SEPARATORS,
      description:
        'The decimal separator of number values written as text: "." (the default, 1.5) or "," (1,5, as European spreadsheets write; text with a "." is then refused). Never thousands separators',
    },
  },
} as const;

/** The ajv format (functions/api/validation.ts) of an encoding label: one the decoder knows. */
export const ENCODING_LABEL_FORMAT = 'encoding-label';

/** How CSV columns map onto people: header name → role. */
export const structureSchema = {
  type: 'object',
  maxProperties: 500,
  additionalProperties: {
    type: 'object',
    additionalProperties: false,
    required: ['role'],
    properties: {
      role: { type: 'string', enum: ['identifier', 'profile', 'attribute', 'ignore'] },
      kind: { type: 'string', enum: IDENTIFIER_KINDS },
      part: { type: 'string', enum: ['home_page', 'name'] },
      related: { type: 'string', minLength: 1, maxLength: 256 },
      key: {
        type: 'string',
        minLength: 1,
        maxLength: 128,
        not: { enum: RESERVED_KEYS },
      },
      priority: { type: 'integer', minimum: 0 },
    },
  },
} as const;

/** `POST /v1/imports`: JSON records inline, or a CSV to upload. */
export const importCreateSchema = {
  $id: 'https://intake.dev/schemas/import-create.json',
  type: 'object',
  additionalProperties: false,
  required: ['workspace', 'format'],
  properties: {
    workspace: workspaceSchema,
    format: { type: 'string', enum: ['json', 'csv'] },
    records: { type: 'array', minItems: 1, maxItems: limits.maxJsonRecords, items: personRecordSchema },
    structure: structureSchema,
    delimiter: { type: 'string', enum: [',', ';', '\t', '|'] },
    encoding: {
      type: 'string',
      maxLength: 64,
      format: ENCODING_LABEL_FORMAT,
      description:
        'The CSV file\'s text encoding, a WHATWG Encoding Standard label: utf-8 (the default), utf-16le, utf-16be, windows-1252 (Excel\'s "CSV" on Windows), iso-8859-1, macintosh, shift_jis, ... A BOM (UTF-8 or UTF-16) decides the encoding whatever is given',
    },
    size: {
      type: 'integer',
      minimum: 1,
      maximum: limits.maxFileBytes,
      description: `The file size in bytes: the upload then accepts exactly that; over ${limits.uploadPartBytes / 1024 / 1024} MiB it goes in parts, one presigned URL each`,
    },
    options: importOptionsSchema,
  },
  // CSV imports carry a file, uploaded afterwards; JSON imports carry their records.
  if: { required: ['format'], properties: { format: { const: 'csv' } } },
  // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then/else keywords
  then: { properties: { records: false } },
  else: {
    required: ['records'],
    properties: { structure: false, delimiter: false, encoding: false, size: false },
  },
} as const;

/** `POST /v1/imports/:id/actions` */
export const actionCreateSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['type'],
  properties: {
    type: { type: 'string', enum: ['analyze', 'process', 'cancel', 'retry_failed', 'revert'] },
    parts: {
      type: 'array',
      description: 'analyze, for a file uploaded in parts: each part and the ETag its PUT answered',
      minItems: 1,
      maxItems: 10_000,
      uniqueItems: true,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['part_number', 'etag'],
        properties: {
          part_number: { type: 'integer', minimum: 1, maximum: 10_000 },
          etag: { type: 'string', minLength: 1, maxLength: 128 },
        },
      },
    },
  },
  if: { properties: { type: { not: { const: 'analyze' } } } },
  // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then/else keywords
  then: { properties: { parts: false } },
} as const;
