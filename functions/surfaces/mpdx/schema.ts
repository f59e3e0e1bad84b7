import { workspaceSchema } from '../../../schemas/import-create.schema.js';

/** A UUID in its textual form, any version, either case (MPDX's client-generated ids). */
export const uuidPattern = '^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$';

/** Longest id a bulk item may carry (people created through MPDX have UUIDs; natively created ones `per_…`). */
export const MAX_ID_LENGTH = 256;

/**
 * The envelope of `POST|PUT|DELETE /api/v2/contacts/people/bulk`: `{"data": [{"data": {...}}]}`.
 * Each item's own content (type, attributes, relationships) is checked item by item, so that one
 * bad item fails alone; the item count is checked separately (413).
 */
export const mpdxBulkSchema = {
  $id: 'https://intake.dev/schemas/mpdx-people-bulk.json',
  type: 'object',
  required: ['data'],
  properties: {
    data: {
      type: 'array',
      items: {
        type: 'object',
        required: ['data'],
        properties: {
          data: {
            type: 'object',
            properties: { id: { type: 'string', maxLength: MAX_ID_LENGTH } },
          },
        },
      },
    },
  },
} as const;

/** `POST /v1/contacts`: a contact of an MPDX account list (a workspace). */
export const contactCreateSchema = {
  $id: 'https://intake.dev/schemas/contact-create.json',
  type: 'object',
  additionalProperties: false,
  required: ['workspace', 'name'],
  properties: {
    id: { type: 'string', pattern: uuidPattern, description: 'A UUID; generated when absent' },
    workspace: workspaceSchema,
    name: {
      type: 'string',
      maxLength: 256,
      pattern: '\\S',
      description: 'At least one character that is not whitespace',
    },
  },
} as const;
