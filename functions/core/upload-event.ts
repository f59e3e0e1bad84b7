import { canMove, move } from './import-status.js';
import type { Clock, ImportStore, WorkQueue } from './ports.js';
import type { ImportStatus } from './types.js';

/** What an upload event did with its import. */
export type UploadEventOutcome =
  /** The event started the import's analysis: an analysis message is queued. */
  | { outcome: 'queued' }
  /** Nothing to do: no such import, not a CSV import, or no longer awaiting its upload (started already). */
  | {
      outcome: 'ignored';
      reason: 'unknown_import' | 'not_csv' | 'not_awaiting_upload';
      status?: ImportStatus;
    };

/**
 * In AWS, S3 reports each CSV uploaded to an import's presigned URL, and the event starts the
 * import's analysis, as the `analyze` action does. Both start with the same conditional move from
 * `awaiting_upload` to `analyzing`, so whichever comes first queues the one analysis and the other
 * finds it started: a late event, or an event for an import the client already analyzed (or the
 * file route or the multipart assembly started), does nothing. The analysis itself runs from the
 * queued message like any other, with its retries and its dead-letter queue.
 */
export async function startAnalysisOnUpload(
  deps: { imports: ImportStore; queue: WorkQueue; clock: Clock },
  ref: { tenant_id: string; import_id: string },
): Promise<UploadEventOutcome> {
  const item = await deps.imports.get(ref.tenant_id, ref.import_id);
  if (item === null) return { outcome: 'ignored', reason: 'unknown_import' };
  if (item.format !== 'csv') return { outcome: 'ignored', reason: 'not_csv', status: item.status };
  if (!canMove('analysis_started', item.status)) {
    return { outcome: 'ignored', reason: 'not_awaiting_upload', status: item.status };
  }
  const now = deps.clock.now();
  if (!(await deps.imports.update(item.tenant_id, item.id, ...move('analysis_started'), now))) {
    // The analyze action (or the file route) moved it a moment ago: its analysis is the one.
    return { outcome: 'ignored', reason: 'not_awaiting_upload' };
  }
  await deps.queue.enqueueAnalysis({ tenant_id: item.tenant_id, import_id: item.id });
  return { outcome: 'queued' };
}
