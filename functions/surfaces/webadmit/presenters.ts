import { json } from '../../api/http.js';
import type { SurfaceErrorFormat } from '../../api/middleware.js';
import type { AttributeValue, Import, ImportStatus, RowResult } from '../../core/types.js';
import { messages } from './mapping.js';
import type { AnswerErrors, BatchAnswer, ProgramRecord } from './registry.js';

/** What WebAdmit shows: a batch's status and results, read from its engine import, and its errors. */

/** Where WebAdmit's paths start. */
export const WEBADMIT_PREFIX = '/api/v2/user_identities';

export const batchHref = (userIdentityId: number, programId: number, id: number): string =>
  `${WEBADMIT_PREFIX}/${userIdentityId}/programs/${programId}/batch_custom_field_answers/${id}`;

export const BATCH_STATUSES = [
  'Queued',
  'In Progress',
  'Available',
  'Success With Errors',
  'Failed',
] as const;
export type BatchStatus = (typeof BATCH_STATUSES)[number];

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
      // The engine's message says what is wrong with the value; the field is named here.
      return {
        errors: { update_error: `Custom field ${answer.custom_field_id}: ${first.message}` },
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
    case 'cancelling':
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

/** WebAdmit's error bodies: `{"message"}`, `{"errors": {"schema": [...]}}` for 422, nothing for 401. */
export const webadmitErrors: SurfaceErrorFormat = {
  matches: (path) => path === WEBADMIT_PREFIX || path.startsWith(`${WEBADMIT_PREFIX}/`),
  format: ({ status, message, problems }) => {
    if (status === 401) return { statusCode: 401, headers: {}, body: '' };
    if (status === 422 && problems !== undefined) {
      const schema = problems.map((p) =>
        p.pointer.startsWith('#') ? p.message : `The property '#${p.pointer}' ${p.message}`,
      );
      return json(422, { errors: { schema } });
    }
    return json(status, { message: /[.!?]$/.test(message) ? message : `${message}.` });
  },
};

export const presentProgram = (program: ProgramRecord) => ({
  object: 'webadmit_program',
  user_identity_id: program.user_identity_id,
  program_id: program.program_id,
  workspace: program.workspace,
  created_at: program.created_at,
});
