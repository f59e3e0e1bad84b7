import { limits } from '../functions/core/limits.js';
import { ROW_OUTCOMES } from '../functions/core/types.js';
import { workspaceSchema } from './import-create.schema.js';

const page = {
  limit: { type: 'integer', minimum: 1, maximum: limits.maxPageSize, default: limits.defaultPageSize },
  cursor: { type: 'string', minLength: 1, maxLength: 2048 },
} as const;

/** `GET /v1/imports` query string */
export const importsQuerySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['workspace', 'limit'],
  properties: { workspace: workspaceSchema, ...page },
} as const;

/** `GET /v1/imports/:id/rows` query string */
export const rowsQuerySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['limit', 'preview'],
  properties: {
    outcome: { type: 'string', enum: ROW_OUTCOMES },
    preview: { type: 'boolean', default: false },
    ...page,
  },
} as const;

/** `GET /v1/people` query string */
export const peopleQuerySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['workspace', 'limit'],
  properties: {
    workspace: workspaceSchema,
    email: { type: 'string', minLength: 1, maxLength: 320 },
    external_id: { type: 'string', minLength: 1, maxLength: 320 },
    ...page,
  },
} as const;
