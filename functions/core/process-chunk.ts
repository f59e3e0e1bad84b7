import { abandonChunkRows, applyChunkRows } from './apply-chunk.js';
import type { EngineDeps } from './apply-rows.js';
import type { ChunkCounts } from './chunks.js';
import { type FinalizeDeps, finalizeAction } from './finalize.js';
import { canMove, move } from './import-status.js';
import type { ChunkStore, FieldStore, ImportStore, ResultFiles } from './ports.js';
import { abandonRevertRows, revertChunkRows } from './revert-rows.js';
import type { Action, Import, ImportStatus, WorkMessage } from './types.js';

/**
 * A chunk's way through the engine, for every kind of action: load the import and the action,
 * apply, revert or abandon the chunk's rows (the steps in apply-chunk.ts and revert-rows.ts), count
 * the chunk once, and finalize the action when it was the last. Safe to run twice, concurrently or
 * after a crash: each row's effect is written with its result at most once per action, and the
 * chunk's counters are added once.
 */

export interface ProcessDeps extends EngineDeps {
  imports: ImportStore;
  chunks: ChunkStore;
  fields: FieldStore;
  files: ResultFiles;
}

/**
 * The statuses in which a process or retry_failed chunk is worked on (while `cancelling` its rows
 * are abandoned). Once the import is final, a chunk delivered again changes nothing.
 */
const WORKING: readonly ImportStatus[] = ['processing', 'finalizing', 'cancelling'];

/**
 * Works one chunk of the import's current action: applies it (process or retry_failed), reverts
 * it (revert), or, in `abandon` mode (the chunk ended in the dead-letter queue), records its rows
 * as unprocessed. A message of an action that is no longer current does nothing.
 */
export async function processChunk(
  deps: ProcessDeps,
  message: WorkMessage,
  mode: 'apply' | 'abandon' = 'apply',
): Promise<void> {
  const { imports } = deps;
  const item = await imports.get(message.tenant_id, message.import_id);
  const action = item && (await imports.getAction(message.tenant_id, message.import_id, message.action_id));
  if (!item || !action || item.action_id !== action.id) return;
  if (action.type === 'revert') return revertChunk(deps, item, action, message, mode);

  if (canMove('first_chunk_started', item.status)) {
    await imports.update(item.tenant_id, item.id, ...move('first_chunk_started'), deps.clock.now());
    item.status = 'processing';
  }
  if (!WORKING.includes(item.status)) return;
  // A chunk that starts after a cancel, or one that ended in the dead-letter queue: its rows are not applied.
  const counts =
    item.status === 'cancelling' || mode === 'abandon'
      ? await abandonChunkRows(deps, item, action, message.chunk)
      : await applyChunkRows(deps, item, action, message);
  await completeChunk(deps, message, counts);
}

/** Reverts one chunk of a finished import (or, in `abandon` mode, records its rows as not reverted). */
export async function revertChunk(
  deps: ProcessDeps,
  item: Import,
  action: Action,
  message: WorkMessage,
  mode: 'apply' | 'abandon' = 'apply',
): Promise<void> {
  if (item.status !== 'reverting') return;
  const counts =
    mode === 'abandon'
      ? await abandonRevertRows(deps, item, action, message.chunk)
      : await revertChunkRows(deps, item, action, message.chunk);
  await completeChunk(deps, message, counts);
}

/** Counts the chunk once for its action; the last chunk counted finalizes the action. */
async function completeChunk(deps: FinalizeDeps, message: WorkMessage, counts: ChunkCounts): Promise<void> {
  const progress = await deps.imports.completeChunk(
    message,
    counts.actionCounters,
    counts.importDelta,
    deps.clock.now(),
  );
  if (progress.action.chunks_done >= progress.action.chunks_total) {
    await finalizeAction(deps, progress.import, progress.action);
  }
}
