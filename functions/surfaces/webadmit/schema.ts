import { workspaceSchema } from '../../../schemas/import-create.schema.js';
import { FIELD_TYPES } from '../../core/fields.js';
import { MAX_IDENTIFIER_LENGTH } from '../../core/identifiers.js';

/** Limits of the WebAdmit surface, where its document is silent (docs/compat.md#webadmit). */
export const webadmitLimits = {
  /** Answers in one batch: every result comes back in one GET, which must stay below Lambda's 6 MB. */
  maxAnswers: 1000,
  /** Characters of a text value. */
  maxValueLength: 4096,
} as const;

/** WebAdmit's integer ids (user identities, programs), as JSON numbers JavaScript holds exactly. */
const integerId = { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER } as const;

/**
 * `POST /api/v2/user_identities/:user_identity_id/programs/:program_id/batch_custom_field_answers`.
 * Properties the document does not name are ignored, as its json-schema validation does.
 */
export const batchCustomFieldAnswersSchema = {
  $id: 'https://intake.dev/schemas/webadmit-batch-custom-field-answers.json',
  type: 'object',
  required: ['custom_field_answers'],
  properties: {
    custom_field_answers: {
      type: 'array',
      minItems: 1,
      maxItems: webadmitLimits.maxAnswers,
      items: {
        type: 'object',
        required: ['applicant_cas_id', 'custom_field_id', 'field_type', 'value'],
        properties: {
          applicant_cas_id: { type: 'string', maxLength: MAX_IDENTIFIER_LENGTH },
          custom_field_id: { type: 'integer' },
          field_type: { type: 'string', enum: FIELD_TYPES },
          value: { type: ['boolean', 'string', 'number', 'null'], maxLength: webadmitLimits.maxValueLength },
        },
      },
    },
  },
} as const;

/** `POST /v1/webadmit/programs`: registers a user identity's program and the workspace it maps to. */
export const webadmitProgramSchema = {
  $id: 'https://intake.dev/schemas/webadmit-program.json',
  type: 'object',
  additionalProperties: false,
  required: ['user_identity_id', 'program_id'],
  properties: {
    user_identity_id: integerId,
    program_id: integerId,
    workspace: workspaceSchema,
  },
} as const;
