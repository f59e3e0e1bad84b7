import { limits } from '../functions/core/limits.js';
import { IDENTIFIER_KINDS } from '../functions/core/types.js';
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
    match_on: {
      type: 'array',
      minItems: 1,
      uniqueItems: true,
      items: { type: 'string', enum: IDENTIFIER_KINDS },
    },
    on_ambiguous_match: { type: 'string', enum: ['error', 'skip'] },
    blank_cells: { type: 'string', enum: ['ignore', 'clear'] },
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
