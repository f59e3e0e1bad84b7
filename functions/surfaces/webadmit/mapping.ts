import { Ajv, type ErrorObject } from 'ajv';
import type { FromSchema } from 'json-schema-to-ts';
import { type ProblemDetail, ValidationError } from '../../core/errors.js';
import { coerceValue, type Field } from '../../core/fields.js';
import type {
  AttributeValue,
  Import,
  ImportOptions,
  ImportStatus,
  RowInput,
  RowResult,
} from '../../core/types.js';
import type { AnswerErrors, BatchAnswer } from './registry.js';
import { batchCustomFieldAnswersSchema } from './schema.js';

/** Pure translation between WebAdmit's batch custom field answers and the engine (no I/O). */

export const BATCH_STATUSES = [
  'Queued',
  'In Progress',
  'Available',
  'Success With Errors',
  'Failed',
] as const;
export type BatchStatus = (typeof BATCH_STATUSES)[number];

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

export const batchHref = (userIdentityId: number, programId: number, id: number): string =>
  `/api/v2/user_identities/${userIdentityId}/programs/${programId}/batch_custom_field_answers/${id}`;

/** An id in a path: decimal digits of an integer JavaScript holds exactly; null otherwise. */
export function parseId(text: string): number | null {
  if (!/^\d{1,16}$/.test(text)) return null;
  const id = Number(text);
  return Number.isSafeInteger(id) ? id : null;
}

// ---------------------------------------------------------------------------------------------
// 422: ajv's errors as the json-schema gem words them
// ---------------------------------------------------------------------------------------------

/** A JSON value's type as the messages name it. */
export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value === 'string' || typeof value === 'boolean' || typeof value === 'object')
    return typeof value;
  return 'null';
}

/** `'#/'` for the body, `'#/custom_field_answers/0/value'` inside it. */
const propertyOf = (instancePath: string): string =>
  `#/${instancePath
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('/')}`;

const listed = (values: unknown[]): string => values.map(String).join(', ');

/**
 * One problem per ajv error (compiled with `verbose`, so each error carries its data), in the words
 * of Ruby's json-schema gem. When a value has the wrong type, other errors about the same value
 * (its enum, its length) are left out: the type says it all.
 */
export function schemaProblems(errors: ErrorObject[]): ProblemDetail[] {
  const mistyped = new Set(errors.filter((e) => e.keyword === 'type').map((e) => e.instancePath));
  const out: ProblemDetail[] = [];
  for (const error of errors) {
    if (error.keyword !== 'type' && mistyped.has(error.instancePath)) continue;
    const pointer = propertyOf(error.instancePath);
    const property = `The property '${pointer}'`;
    const params = error.params as Record<string, unknown>;
    let message: string;
    switch (error.keyword) {
      case 'required':
        message = `${property} did not contain a required property of '${String(params.missingProperty)}'`;
        break;
      case 'type': {
        const types = Array.isArray(params.type) ? params.type : String(params.type).split(',');
        message =
          types.length === 1
            ? `${property} of type ${typeName(error.data)} did not match the following type: ${String(types[0])}`
            : `${property} of type ${typeName(error.data)} did not match one or more of the following types: ${listed(types)}`;
        break;
      }
      case 'enum':
        message = `${property} value ${JSON.stringify(error.data)} did not match one of the following values: ${listed(params.allowedValues as unknown[])}`;
        break;
      case 'minItems':
        message = `${property} did not contain a minimum number of items ${String(params.limit)}`;
        break;
      case 'maxItems':
        message = `${property} had more items than the allowed ${String(params.limit)}`;
        break;
      case 'maxLength':
        message = `${property} was not of a maximum string length of ${String(params.limit)}`;
        break;
      case 'minimum':
        message = `${property} did not have a minimum value of ${String(params.limit)}, inclusively`;
        break;
      case 'maximum':
        message = `${property} did not have a maximum value of ${String(params.limit)}, inclusively`;
        break;
      default:
        message = `${property} ${error.message ?? 'is invalid'}`;
    }
    if (!out.some((problem) => problem.message === message)) out.push({ pointer, message });
  }
  return out;
}

export type BatchBody = FromSchema<typeof batchCustomFieldAnswersSchema>;

/** Compiled once per container; `verbose` keeps each error's data, whose type the messages name. */
const batchValidator = new Ajv({
  allErrors: true,
  strict: true,
  allowUnionTypes: true,
  verbose: true,
}).compile<BatchBody>(batchCustomFieldAnswersSchema);

/** The body of a batch, or a ValidationError with every schema problem in the gem's words. */
export function parseBatchBody(body: unknown): BatchBody {
  if (batchValidator(body)) return body;
  const problems = schemaProblems(batchValidator.errors ?? []);
  throw new ValidationError('The request body did not match the expected request schema', problems);
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

// ---------------------------------------------------------------------------------------------
// GET: engine results → WebAdmit results and status
// ---------------------------------------------------------------------------------------------

export interface BatchResult {
  custom_field_answer: {
    custom_field_id: number;
    label: string | null;
    field_type: string;
    value: AttributeValue;
  };
  applicant_cas_id: string;
  errors: AnswerErrors | null;
}

/**
 * What became of an answer: `applied` (errors null), `refused` for a reason in the answer itself
 * (unknown applicant or field, a field_type or value that does not fit, a newer answer), or
 * `not_applied` for a reason outside it (cancelled, a failure of the service).
 */
export type AnswerFate = 'applied' | 'refused' | 'not_applied';

const APPLIED = new Set(['updated', 'unchanged', 'created', 'merged']);
const APPLICANT_CODES = new Set(['not_found', 'no_match', 'missing_identifier', 'invalid_applicant_cas_id']);
const FIELD_CODES = new Set(['unknown_field', 'invalid_field_name']);

/** A row error of the engine as this answer's errors, and whether the answer itself caused it. */
function errorsOf(answer: BatchAnswer, result: RowResult): { errors: AnswerErrors; fate: AnswerFate } {
  if (result.outcome === 'superseded') {
    const values = (result.errors[0]?.detail?.values ?? {}) as Record<string, unknown>;
    const value = answer.field ? (values[answer.field.key] ?? null) : null;
    return {
      errors: { creation_error: messages.superseded(answer.field?.type ?? answer.field_type, value) },
      fate: 'refused',
    };
  }
  const first = result.errors[0];
  if (first !== undefined && (result.outcome === 'failed' || result.outcome === 'skipped')) {
    if (APPLICANT_CODES.has(first.code))
      return { errors: { applicant: messages.applicant }, fate: 'refused' };
    if (FIELD_CODES.has(first.code))
      return { errors: { custom_field: messages.customField }, fate: 'refused' };
    if (first.code === 'invalid_value') {
      const prefix = `Column '${first.field ?? ''}': `;
      const reason = first.message.startsWith(prefix) ? first.message.slice(prefix.length) : first.message;
      return {
        errors: { update_error: `Custom field ${answer.custom_field_id}: ${reason}` },
        fate: 'refused',
      };
    }
  }
  return { errors: { update_error: first?.message ?? messages.notApplied }, fate: 'not_applied' };
}

/**
 * The result of one answer of a finished batch. `result` is the engine's row result (absent when
 * the answer never reached the engine, or the engine never got to its row).
 */
export function resultOf(
  answer: BatchAnswer,
  result: RowResult | undefined,
  item: Pick<Import, 'status' | 'error'>,
): { result: BatchResult; fate: AnswerFate } {
  const present = (errors: AnswerErrors | null, value: AttributeValue, fate: AnswerFate) => ({
    result: {
      custom_field_answer: {
        custom_field_id: answer.custom_field_id,
        label: answer.field?.label ?? null,
        field_type: answer.field?.type ?? answer.field_type,
        value,
      },
      applicant_cas_id: answer.applicant_cas_id,
      errors,
    },
    fate,
  });
  if (answer.errors !== undefined) return present(answer.errors, answer.value, 'refused');
  if (result === undefined) {
    return present({ update_error: item.error?.message ?? messages.notApplied }, answer.value, 'not_applied');
  }
  if (APPLIED.has(result.outcome)) {
    if (item.status === 'reverted')
      return present({ update_error: messages.reverted }, answer.value, 'not_applied');
    return present(null, answer.stored === undefined ? answer.value : answer.stored, 'applied');
  }
  const { errors, fate } = errorsOf(answer, result);
  return present(errors, answer.value, fate);
}

/** The status of a batch whose import is not final yet; null once it is. */
export function progressStatus(status: ImportStatus): 'Queued' | 'In Progress' | null {
  switch (status) {
    case 'awaiting_upload':
    case 'analyzing':
    case 'ready':
    case 'queued':
      return 'Queued';
    case 'processing':
    case 'finalizing':
    case 'reverting':
      return 'In Progress';
    default:
      return null;
  }
}

/**
 * The status of a finished batch, from its import's status and what became of its answers:
 * - `Available`: every answer was applied, or refused for a reason of its own (unknown applicant...);
 * - `Success With Errors`: some answers were not applied for a reason outside them (a cancelled
 *   run, a failure of the service), and others were applied;
 * - `Failed`: the import failed as a whole or was reverted, or no answer was applied and some were
 *   not applied for a reason outside them.
 */
export function finalStatus(status: ImportStatus, fates: readonly AnswerFate[]): BatchStatus {
  if (status !== 'completed' && status !== 'completed_with_errors' && status !== 'cancelled') return 'Failed';
  if (!fates.includes('not_applied')) return 'Available';
  return fates.includes('applied') ? 'Success With Errors' : 'Failed';
}
