import { limits } from '../../core/limits.js';
import { RESERVED_KEYS } from '../../core/reserved-keys.js';

/**
 * Request schemas of the RedJade surface (docs/compat.md#redjade): participant imports and
 * participant import actions. RedJade's ids are positive integers.
 */

const text = (maxLength: number) => ({ type: ['string', 'null'], maxLength }) as const;
const integerId = { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER } as const;

/** One participant: identifiers, names and demographics (category → value). */
export const participantSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    external_id: { type: ['string', 'integer', 'null'], maxLength: 320 },
    email: text(320),
    first_name: text(256),
    last_name: text(256),
    demographics: {
      type: 'object',
      maxProperties: 200,
      propertyNames: {
        minLength: 1,
        maxLength: 128,
        not: { enum: RESERVED_KEYS },
      },
      additionalProperties: { type: ['string', 'number', 'boolean', 'null'] },
    },
  },
} as const;

/** `POST /v1/participant_imports` */
export const participantImportCreateSchema = {
  $id: 'https://intake.dev/schemas/redjade-participant-import.json',
  type: 'object',
  additionalProperties: false,
  required: ['event_id', 'participants'],
  properties: {
    event_id: integerId,
    participants: { type: 'array', minItems: 1, maxItems: limits.maxJsonRecords, items: participantSchema },
  },
} as const;

/** `POST /v1/participant_import_actions`: exactly the documented options. */
export const participantImportActionCreateSchema = {
  $id: 'https://intake.dev/schemas/redjade-participant-import-action.json',
  type: 'object',
  additionalProperties: false,
  required: ['participant_import_id'],
  properties: {
    participant_import_id: integerId,
    save_missing_categories: { type: 'boolean' },
    only_demographics: { type: 'boolean' },
    destroy_existing_demographics: { type: 'boolean' },
    destroy_unmatched_participants: { type: 'boolean' },
    skip_invalid: { type: 'boolean' },
    skip_duplicate_identity_matches: { type: 'boolean' },
  },
} as const;

/** `GET /v1/participant_import_actions?participant_import_id=` (query strings are coerced). */
export const participantImportActionsQuerySchema = {
  type: 'object',
  required: ['participant_import_id'],
  properties: { participant_import_id: integerId },
} as const;
