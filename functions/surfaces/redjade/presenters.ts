import { json } from '../../api/http.js';
import type { SurfaceErrorFormat } from '../../api/middleware.js';
import type { ProblemDetail } from '../../core/errors.js';
import type { Import, ImportStatus, RowError } from '../../core/types.js';
import type { ParticipantImportActionRecord, ParticipantImportRecord } from './registry.js';

/** RedJade resources and errors from engine imports (docs/compat.md#redjade). Pure: no I/O. */

export type ParticipantImportStatus = 'pending' | 'ready' | 'failed';
export type ParticipantImportActionStatus = 'pending' | 'processing' | 'completed' | 'failed';

export const FINAL_ACTION_STATUSES: readonly ParticipantImportActionStatus[] = ['completed', 'failed'];

/**
 * An action whose engine import still does not exist this long after the action was recorded
 * never will (a request lives at most 30 s behind API Gateway): it is failed.
 */
export const START_GRACE_MS = 60_000;

/** Participants whose errors a resource lists, at most. */
export const MAX_PARTICIPANT_ERRORS = 100;

const STARTED_NEVER = 'The action could not be started; create a new participant import action';

/** A participant import is its engine review: pending while analyzed, then ready (or failed). */
export function importStatusOf(status: ImportStatus): ParticipantImportStatus {
  if (status === 'awaiting_upload' || status === 'analyzing') return 'pending';
  if (status === 'failed' || status === 'cancelled') return 'failed';
  return 'ready';
}

const ACTION_STATUS: Record<ImportStatus, ParticipantImportActionStatus> = {
  awaiting_upload: 'pending',
  analyzing: 'pending',
  ready: 'pending',
  queued: 'pending',
  processing: 'processing',
  cancelling: 'processing',
  finalizing: 'processing',
  reverting: 'processing',
  completed: 'completed',
  completed_with_errors: 'completed',
  reverted: 'completed',
  failed: 'failed',
  cancelled: 'failed',
};

/** The action's status: its engine import's, or failed when that import could not be created. */
export function actionStatusOf(
  record: ParticipantImportActionRecord,
  item: Import | null,
  now: string,
): ParticipantImportActionStatus {
  if (record.failure !== null) return 'failed';
  if (item === null) {
    return Date.parse(now) - Date.parse(record.created_at) > START_GRACE_MS ? 'failed' : 'pending';
  }
  return ACTION_STATUS[item.status];
}

/** Row numbers and errors of the participants an import failed (or would fail). */
export interface ParticipantProblem {
  row: number;
  errors: RowError[];
}

const PROFILE_KEYS = new Set(['external_id', 'email', 'first_name', 'last_name']);

/** Where a row error points in a participant: its own key, `demographics/<category>`, or `base`. */
export const participantErrorKey = (field: string | undefined): string =>
  field === undefined || field === '' ? 'base' : PROFILE_KEYS.has(field) ? field : `demographics/${field}`;

/**
 * Messages by key, Rails-style. The keys come from the client (a body's top-level keys, demographic
 * categories), `__proto__` and `constructor` included: grouped in a Map, then made own properties.
 */
const groupMessages = (entries: [string, string][]): Record<string, string[]> => {
  const grouped = new Map<string, string[]>();
  for (const [key, message] of entries) grouped.set(key, [...(grouped.get(key) ?? []), message]);
  return Object.fromEntries(grouped);
};

/** Each participant with errors, by its index in the payload, with Rails-style `{key: [messages]}`. */
export const presentParticipantErrors = (problems: ParticipantProblem[]) =>
  problems.map((problem) => ({
    index: problem.row - 1,
    errors: groupMessages(problem.errors.map((e) => [participantErrorKey(e.field), e.message])),
  }));

export const presentReview = (review: Import['review']) =>
  review && {
    total: review.rows,
    created: review.created,
    updated: review.updated,
    unchanged: review.unchanged,
    skipped: review.skipped,
    invalid: review.invalid,
    duplicate_identity_matches: review.ambiguous,
    superseded: review.superseded,
    unmatched_participants: review.unmatched_deletions,
  };

export const presentParticipantImport = (
  record: ParticipantImportRecord,
  item: Import,
  problems: ParticipantProblem[],
) => ({
  id: record.id,
  event_id: record.event_id,
  status: importStatusOf(item.status),
  participant_count: record.participant_count,
  review: presentReview(item.review),
  participant_errors: presentParticipantErrors(problems),
  error_message: item.error?.message ?? null,
  created_at: record.created_at,
  updated_at: item.updated_at,
});

export const presentCounts = (item: Import | null) => {
  const c = item?.counters;
  const sum = (...values: (number | undefined)[]) => values.reduce<number>((a, b) => a + (b ?? 0), 0);
  return {
    total: item?.total_rows ?? 0,
    // Rows never delete here (the operation is upsert): every deletion is destroy_unmatched_participants'.
    processed: c ? Object.values(c).reduce((a, b) => a + b, 0) - c.deleted : 0,
    created: sum(c?.created),
    updated: sum(c?.updated, c?.merged),
    unchanged: sum(c?.unchanged),
    destroyed: sum(c?.deleted),
    skipped: sum(c?.skipped, c?.superseded),
    errors: sum(c?.failed, c?.conflict, c?.unprocessed),
  };
};

export const presentAction = (
  record: ParticipantImportActionRecord,
  item: Import | null,
  problems: ParticipantProblem[],
  now: string,
) => {
  const status = actionStatusOf(record, item, now);
  return {
    id: record.id,
    participant_import_id: record.participant_import_id,
    event_id: record.event_id,
    status,
    ...record.options,
    counts: presentCounts(item),
    participant_errors: presentParticipantErrors(problems),
    error_message:
      record.failure ?? item?.error?.message ?? (item === null && status === 'failed' ? STARTED_NEVER : null),
    created_at: record.created_at,
    updated_at: item?.updated_at ?? record.created_at,
    completed_at: item?.completed_at ?? null,
  };
};

/** A problem's JSON pointer as an error key: `/participants/0/email` → `participants/0/email`. */
const errorKey = (pointer: string): string => pointer.replace(/^\//, '') || 'base';

/** RedJade-style errors: `{"errors": {"<key>": ["message", ...]}}`, `base` for the request as a whole. */
export const redjadeErrors: SurfaceErrorFormat = {
  matches: (path) => /^\/v1\/participant_import(s|_actions)(\/|$)/.test(path),
  format: ({ status, message, problems }) =>
    json(status, {
      errors:
        problems && problems.length > 0
          ? groupMessages(problems.map((p: ProblemDetail) => [errorKey(p.pointer), p.message]))
          : { base: [message] },
    }),
};
