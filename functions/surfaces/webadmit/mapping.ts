import { coerceValue, type Field } from '../../core/fields.js';
import type { AttributeValue, ImportOptions, RowInput } from '../../core/types.js';
import type { BatchAnswer } from './registry.js';

/** WebAdmit's batch custom field answers in the engine's terms: options, ids and rows. */

/** How a batch runs: updates of existing applicants' answers, matched by CAS id, one answer per row. */
export const batchOptions: Partial<ImportOptions> = {
  operation: 'update',
  match_on: ['applicant_cas_id'],
  supersede: 'attribute',
  create_missing_fields: false,
  skip_invalid: true,
  attributes_only: true,
  // A null value removes the answer.
  blank_cells: 'clear',
};

export const messages = {
  applicant: 'No applicant found for that applicant_cas_id',
  customField: 'No custom field found for that custom_field_id',
  fieldType: (id: number, fieldType: string, sent: string) =>
    `Custom field ${id} is a ${fieldType} field; the answer's field_type is ${sent}`,
  superseded: (fieldType: string, value: unknown) =>
    `A newer update (setting custom_field_answers to ${JSON.stringify({ field_type: fieldType, value })}) is overriding this update`,
  notApplied: 'This update was not applied',
  reverted: 'This update was applied, then reverted',
} as const;

/** The workspace a program maps to unless it was registered with one. */
export const defaultWorkspace = (userIdentityId: number, programId: number): string =>
  `webadmit-${userIdentityId}-${programId}`;

/** An id in a path: decimal digits of an integer JavaScript holds exactly; null otherwise. */
export function parseId(text: string): number | null {
  if (!/^\d{1,16}$/.test(text)) return null;
  const id = Number(text);
  return Number.isSafeInteger(id) ? id : null;
}

// ---------------------------------------------------------------------------------------------
// POST: answers → engine rows
// ---------------------------------------------------------------------------------------------

export interface AnswerBody {
  applicant_cas_id: string;
  custom_field_id: number;
  field_type: string;
  value: AttributeValue;
}

/**
 * Each answer whose custom field exists and has the answer's field_type becomes one engine row (an
 * update of that field's attribute, matched by CAS id), numbered in order; the others are refused
 * here, with their errors. Every answer keeps what the client sent, for the results.
 */
export function planAnswers(
  body: readonly AnswerBody[],
  fields: ReadonlyMap<number, Field>,
): { rows: RowInput[]; answers: BatchAnswer[] } {
  const rows: RowInput[] = [];
  const answers = body.map((sent): BatchAnswer => {
    const field = fields.get(sent.custom_field_id);
    const answer: BatchAnswer = {
      applicant_cas_id: sent.applicant_cas_id,
      custom_field_id: sent.custom_field_id,
      field_type: sent.field_type,
      value: sent.value,
      field: field ? { key: field.key, label: field.label, type: field.type } : null,
    };
    if (field === undefined) return { ...answer, errors: { custom_field: messages.customField } };
    if (field.type !== sent.field_type) {
      return {
        ...answer,
        errors: { update_error: messages.fieldType(field.id, field.type, sent.field_type) },
      };
    }
    rows.push({
      identifiers: [{ kind: 'applicant_cas_id', value: sent.applicant_cas_id }],
      profile: {},
      attributes: { [field.key]: sent.value },
    });
    const coerced = coerceValue(field, sent.value, field.key);
    return { ...answer, row: rows.length, ...(coerced.ok ? { stored: coerced.value } : {}) };
  });
  return { rows, answers };
}
