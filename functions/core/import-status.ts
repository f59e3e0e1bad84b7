import type { Import, ImportFormat, ImportStatus } from './types.js';

/**
 * The import's lifecycle in one table: every status change the engine makes, named by what
 * triggers it, with the statuses it may start from and the status it ends in (`finalized` and
 * `applied_at_once` end in one of two, by the counters). Each move is one conditional write (the
 * store refuses it unless the import is in one of `from`), so of two racing moves one wins and the
 * other changes nothing.
 *
 *   CSV → awaiting_upload ⇄ analyzing ← JSON;   ready → analyzing (analyzed again)
 *   analyzing → [ready (dry run) →] queued → processing → finalizing → completed | completed_with_errors
 *   rows applied in the request: processing → completed | completed_with_errors
 *   analyzing, ready → failed;   awaiting_upload, analyzing, ready → cancelled;   queued, processing → cancelling → cancelled
 *   completed_with_errors, cancelled, failed → queued (retry_failed);   completed[_with_errors] → reverting → reverted
 */
export const MOVES = {
  // Analysis
  /** The analyze action, the file route, or (in AWS) the upload event: whichever comes first. */
  analysis_started: { from: ['awaiting_upload'], to: ['analyzing'] },
  /** The analyze action found no file, or parts of it missing: the import waits for it again. */
  upload_missing: { from: ['analyzing'], to: ['awaiting_upload'] },
  /** A ready import's structure or options changed (Learning Locker): analyzed again. */
  reanalysis_requested: { from: ['ready'], to: ['analyzing'] },
  /** A dry run's analysis is done: the review waits for the process action. */
  analyzed_dry_run: { from: ['analyzing'], to: ['ready'] },
  /** An unreadable source or structure, or an analysis that ended in the dead-letter queue. */
  analysis_failed: { from: ['analyzing'], to: ['failed'] },

  // Processing
  /** After an analysis that is not a dry run, or on the process action. */
  processing_queued: { from: ['analyzing', 'ready'], to: ['queued'] },
  /** Processing refused: rows are invalid and skip_invalid is off; nothing is applied. */
  rows_invalid: { from: ['analyzing', 'ready'], to: ['failed'] },
  /** The first chunk of a process or retry_failed action begins. */
  first_chunk_started: { from: ['queued'], to: ['processing'] },
  /** The last chunk is counted: sweeps and result files follow. */
  last_chunk_counted: { from: ['processing'], to: ['finalizing'] },
  /** Done: with errors when a row failed, conflicted or went unprocessed. */
  finalized: { from: ['finalizing'], to: ['completed', 'completed_with_errors'] },
  /** Rows applied in the request itself (MPDX's bulk endpoints) are done. */
  applied_at_once: { from: ['processing'], to: ['completed', 'completed_with_errors'] },

  // Actions on an import before or after it finished
  /**
   * The cancel action before processing: final at once. Nothing can change the import afterwards:
   * an analysis in flight writes to the import only while it is `analyzing`.
   */
  cancel_requested: { from: ['awaiting_upload', 'analyzing', 'ready'], to: ['cancelled'] },
  /**
   * The cancel action while chunks are queued or running: chunks already running finish, chunks
   * not yet started leave their rows unprocessed.
   */
  cancel_requested_while_processing: { from: ['queued', 'processing'], to: ['cancelling'] },
  /**
   * The last chunk of a cancelled action is counted (or the rows applied in the request are done):
   * cancelled, with the counters of what was really written, and the result files.
   */
  cancel_completed: { from: ['cancelling'], to: ['cancelled'] },
  /** The retry_failed action: failed and unprocessed rows are applied again. */
  retry_requested: { from: ['completed_with_errors', 'cancelled', 'failed'], to: ['queued'] },
  /** The revert action. */
  revert_requested: { from: ['completed', 'completed_with_errors'], to: ['reverting'] },
  /** The revert's last chunk is counted. */
  reverted: { from: ['reverting'], to: ['reverted'] },
} as const satisfies Record<string, { from: readonly ImportStatus[]; to: readonly ImportStatus[] }>;

export type Move = keyof typeof MOVES;

/** The status an import is created in: a CSV waits for its file, JSON rows go to analysis, rows applied in the request are processing. */
export const INITIAL_STATUS = {
  csv: 'awaiting_upload',
  json: 'analyzing',
  applied_at_once: 'processing',
} as const satisfies Record<ImportFormat | 'applied_at_once', ImportStatus>;

type Changes = Partial<Omit<Import, 'id' | 'tenant_id' | 'status'>>;
type Destination<M extends Move> = (typeof MOVES)[M]['to'][number];

/** Whether `move` may start from `status`. */
export const canMove = (move: Move, status: ImportStatus): boolean =>
  (MOVES[move].from as readonly ImportStatus[]).includes(status);

/** The move's start statuses; a caller that read the import may narrow them to what it read (never widen). */
function startsOf(move: Move, seen?: ImportStatus | readonly ImportStatus[]): ImportStatus[] {
  const from: readonly ImportStatus[] = MOVES[move].from;
  if (seen === undefined) return [...from];
  const narrowed = typeof seen === 'string' ? [seen] : seen;
  return from.filter((status) => narrowed.includes(status));
}

/**
 * A move as `ImportStore.update` takes it: the statuses it may start from, and the changes with
 * the new status. A move with two destinations (`finalized`) takes the one given as
 * `changes.status`. Spread it into the call: `imports.update(tenant, id, ...move('reverted'), now)`.
 */
export function move<M extends Move>(
  name: M,
  changes: Changes & { status?: Destination<M> } = {},
  seen?: ImportStatus | readonly ImportStatus[],
): [ImportStatus[], Changes & { status: ImportStatus }] {
  const to: readonly ImportStatus[] = MOVES[name].to;
  const status = changes.status ?? (to.length === 1 ? to[0] : undefined);
  if (status === undefined || !to.includes(status)) {
    throw new Error(`The move ${name} goes to ${to.join(' or ')}, not ${String(status)}`);
  }
  return [startsOf(name, seen), { ...changes, status }];
}

/** A move as `ImportStore.startAction` takes it: the statuses it may start from, and the new status. */
export function actionMove(
  name: Move,
  seen?: ImportStatus | readonly ImportStatus[],
): [ImportStatus[], ImportStatus] {
  const [from, { status }] = move(name, {}, seen);
  return [from, status];
}

/** An update that keeps the status, made only while the import is still `status` (e.g. the shape an analysis found). */
export const stay = (status: ImportStatus, changes: Changes): [ImportStatus[], Changes] => [
  [status],
  changes,
];
