import { limits } from '../functions/core/limits.js';
import { MATCH_KINDS, OPERATIONS } from '../functions/core/types.js';
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
  },
} as const;

/** `POST /v1/imports` */
export const importCreateSchema = {
  $id: 'https://intake.dev/schemas/import-create.json',
  type: 'object',
  additionalProperties: false,
  required: ['workspace', 'format', 'records'],
  properties: {
    workspace: workspaceSchema,
    format: { type: 'string', enum: ['json'] },
    records: { type: 'array', minItems: 1, maxItems: limits.maxJsonRecords, items: personRecordSchema },
    options: importOptionsSchema,
  },
} as const;

/** `POST /v1/imports/:id/actions` */
export const actionCreateSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['type'],
  properties: { type: { type: 'string', enum: ['process', 'cancel', 'retry_failed', 'revert'] } },
} as const;
