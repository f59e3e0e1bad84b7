import { ConflictError, NotFoundError } from './errors.js';
import { actionMove, canMove, move } from './import-status.js';
import type {
  ChunkStore,
  Clock,
  FieldStore,
  IdGenerator,
  ImportStore,
  PeopleStore,
  PersonIdGenerator,
  ResultFiles,
  WorkQueue,
} from './ports.js';
import { writeResultFiles } from './result-files.js';
import {
  type Action,
  type ActionType,
  emptyCounters,
  type Import,
  type ImportStatus,
  type WorkMessage,
} from './types.js';

export interface ActionDeps {
  imports: ImportStore;
  chunks: ChunkStore;
  people: PeopleStore;
  fields: FieldStore;
  queue: WorkQueue;
  files: ResultFiles;
  clock: Clock;
  actionIds: IdGenerator;
  personIds: PersonIdGenerator;
}

const newAction = (deps: Pick<ActionDeps, 'clock' | 'actionIds'>, item: Import, type: ActionType): Action => {
  const now = deps.clock.now();
  return {
    id: deps.actionIds.next(),
    import_id: item.id,
    type,
    status: 'queued',
    counters: emptyCounters(),
    chunks_total: item.chunks_total,
    chunks_done: 0,
    created_at: now,
    updated_at: now,
    completed_at: null,
  };
};

const refuse = (item: Import, type: string, needs: string) =>
  new ConflictError(`Import ${item.id} is ${item.status}; ${type} needs it ${needs}`, 'invalid_state');

async function enqueue(deps: Pick<ActionDeps, 'queue'>, item: Import, action: Action): Promise<void> {
  const messages: WorkMessage[] = Array.from({ length: action.chunks_total }, (_, chunk) => ({
    tenant_id: item.tenant_id,
    import_id: item.id,
    action_id: action.id,
    chunk,
  }));
  await deps.queue.enqueueChunks(messages);
}

/**
 * Starts the process action on an analyzed import: refused (the import fails, nothing written)
 * when rows are invalid and skip_invalid is off.
 */
export async function startProcessing(
  deps: ActionDeps,
  item: Import,
  from: ImportStatus[],
): Promise<Action | null> {
  const now = deps.clock.now();
  const invalid = item.review?.invalid ?? 0;
  if (invalid > 0 && !item.options.skip_invalid) {
    const rows = await invalidRows(deps, item, 100);
    // Nothing applied: the error file is every row, the invalid ones with their errors, to fix and send again.
    const files = await writeResultFiles(deps, item);
    await deps.imports.update(
      item.tenant_id,
      item.id,
      ...move(
        'rows_invalid',
        {
          total_rows: item.total_rows,
          chunks_total: item.chunks_total,
          review: item.review,
          error: {
            code: 'invalid_rows',
            message: `${invalid} row(s) are invalid (rows ${rows.slice(0, 10).join(', ')}${invalid > 10 ? ', ...' : ''}); nothing was imported. Fix them, or process with skip_invalid to skip them`,
            rows,
          },
          files,
          completed_at: now,
        },
        from,
      ),
      now,
    );
    return null;
  }
  const action = newAction(deps, item, 'process');
  const [starts, to] = actionMove('processing_queued', from);
  // Written only while the import can still take that move.
  const fields = { total_rows: item.total_rows, chunks_total: item.chunks_total, review: item.review };
  await deps.imports.update(item.tenant_id, item.id, starts, fields, now);
  if (!(await deps.imports.startAction(item.tenant_id, action, starts, to, now))) {
    throw refuse(item, 'process', 'ready');
  }
  await enqueue(deps, item, action);
  return action;
}

async function invalidRows(deps: Pick<ActionDeps, 'chunks'>, item: Import, max: number): Promise<number[]> {
  const rows: number[] = [];
  for (let chunk = 0; chunk < item.chunks_total && rows.length < max; chunk++) {
    for (const row of await deps.chunks.read({ tenant_id: item.tenant_id, import_id: item.id, chunk })) {
      if (row.errors.length > 0 && rows.length < max) rows.push(row.row);
    }
  }
  return rows;
}

/**
 * Cancels the import: before processing it is `cancelled` at once; while chunks are queued or
 * running it is `cancelling` until the last chunk is counted (finalize.ts). The two moves are tried
 * in that order, so an import that moves on to `queued` meanwhile is still caught by the second.
 * False when the import is finished (or finalizing).
 */
async function cancel(deps: Pick<ActionDeps, 'imports'>, item: Import, now: string): Promise<boolean> {
  const { imports } = deps;
  if (canMove('cancel_requested', item.status)) {
    if (
      await imports.update(item.tenant_id, item.id, ...move('cancel_requested', { completed_at: now }), now)
    )
      return true;
  }
  return imports.update(item.tenant_id, item.id, ...move('cancel_requested_while_processing'), now);
}

/** `POST /v1/imports/:id/actions`: process, cancel, retry_failed or revert. */
export async function requestAction(
  deps: ActionDeps,
  tenantId: string,
  importId: string,
  type: ActionType,
): Promise<Action> {
  const item = await deps.imports.get(tenantId, importId);
  if (item === null) throw new NotFoundError('Import', importId);
  const now = deps.clock.now();

  switch (type) {
    case 'process': {
      if (item.status !== 'ready') throw refuse(item, 'process', 'ready (analyzed)');
      const action = await startProcessing(deps, item, ['ready']);
      if (action === null)
        throw new ConflictError(
          (await deps.imports.get(tenantId, importId))?.error?.message ?? 'invalid rows',
          'invalid_rows',
        );
      return action;
    }
    case 'cancel': {
      if (!(await cancel(deps, item, now))) throw refuse(item, 'cancel', 'not yet finished');
      const action = { ...newAction(deps, item, 'cancel'), status: 'completed' as const, completed_at: now };
      await deps.imports.recordAction(tenantId, action);
      return action;
    }
    case 'retry_failed': {
      const retryable = item.counters.failed + item.counters.unprocessed;
      if (!canMove('retry_requested', item.status) || retryable === 0 || item.chunks_total === 0) {
        throw refuse(item, 'retry_failed', 'finished with failed or unprocessed rows');
      }
      const action = newAction(deps, item, 'retry_failed');
      if (
        !(await deps.imports.startAction(
          tenantId,
          action,
          ...actionMove('retry_requested', item.status),
          now,
        ))
      ) {
        throw refuse(item, 'retry_failed', 'finished');
      }
      await enqueue(deps, item, action);
      return action;
    }
    case 'revert': {
      if (!canMove('revert_requested', item.status)) throw refuse(item, 'revert', 'completed');
      const action = newAction(deps, item, 'revert');
      if (
        !(await deps.imports.startAction(
          tenantId,
          action,
          ...actionMove('revert_requested', item.status),
          now,
        ))
      ) {
        throw refuse(item, 'revert', 'completed');
      }
      await enqueue(deps, item, action);
      return action;
    }
  }
}
