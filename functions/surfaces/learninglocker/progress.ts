import { describeRowError } from '../../core/row-messages.js';
import type { Counters, Import, RowResult } from '../../core/types.js';
import { FINAL_STATUSES } from '../../core/types.js';

/** A persona import's progress as Learning Locker shows it: its stage, counts and row errors. */

export const STAGES = {
  upload: 'STAGE_UPLOAD',
  configure: 'STAGE_CONFIGURE_FIELDS',
  processing: 'STAGE_PROCESSING',
  imported: 'STAGE_IMPORTED',
} as const;
export type ImportStage = (typeof STAGES)[keyof typeof STAGES];
/** What the registry knows of a persona import that the stage depends on. */
export interface StageFacts {
  import_id: string | null;
  process_requested_at: string | null;
}

/** Learning Locker's `importStage` for a persona import and its engine import. */
export function importStage(record: StageFacts, item: Import | null): ImportStage {
  if (record.import_id === null) return STAGES.upload;
  if (record.process_requested_at === null) return STAGES.configure;
  if (item !== null && (FINAL_STATUSES.includes(item.status) || item.status === 'reverting')) {
    return STAGES.imported;
  }
  return STAGES.processing;
}

/** Rows processed so far: every row with an outcome. */
export const processedCount = (counters: Counters): number =>
  Object.values(counters).reduce((sum, n) => sum + n, 0);

/**
 * `result`: `created` counts rows that created a persona; `merged` rows that went into existing
 * personas (updated, unchanged, merged several into one), as Learning Locker counts a row whose
 * identifiers all existed, and rows superseded by a later row for the same persona.
 */
export const resultOf = (counters: Counters) => ({
  created: counters.created,
  merged: counters.updated + counters.unchanged + counters.merged + counters.superseded,
});

/** Outcomes that put a row in `importErrors` (and in the error CSV). */
export const ERROR_OUTCOMES = ['failed', 'skipped', 'conflict', 'unprocessed'] as const;

const UNPROCESSED = 'The row was not processed (the import was cancelled, or its part failed)';

export interface ImportErrorEntry {
  row: number | null;
  rowErrors: string[];
}

/** One `importErrors` entry: the data row (1 is the first row after the header) and its errors. */
export function importErrorOf(result: RowResult): ImportErrorEntry {
  // Worded as the error CSV's `errors` column words them (one string per error there is `; `-joined).
  const rowErrors = result.errors.map(describeRowError);
  if (rowErrors.length === 0) rowErrors.push(result.outcome === 'unprocessed' ? UNPROCESSED : result.outcome);
  return { row: result.row, rowErrors };
}
