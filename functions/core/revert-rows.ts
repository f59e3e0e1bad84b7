import { type ChunkCounts, rowRangeOfChunk } from './chunks.js';
import { type Clock, type Effect, type ImportStore, NO_EFFECT, type PeopleStore } from './ports.js';
import {
  type Action,
  type Counters,
  emptyCounters,
  type Import,
  type Person,
  type RowResult,
} from './types.js';

/**
 * The steps of a revert chunk: undo its rows, or abandon them (the chunk ended in the dead-letter
 * queue). Each takes the chunk's rows the import changed and this revert has not undone yet, last
 * row first, and answers the chunk's counts. A person changed since the import is left alone and
 * reported as a conflict.
 */

export interface RevertDeps {
  imports: ImportStore;
  people: PeopleStore;
  clock: Clock;
}

const REVERTIBLE = new Set(['created', 'updated', 'merged', 'deleted']);

/** Undoes the chunk's rows that the import changed, each unless the person changed since. */
export async function revertChunkRows(
  deps: RevertDeps,
  item: Import,
  action: Action,
  chunk: number,
): Promise<ChunkCounts> {
  for (const result of await toUndo(deps.imports, item, chunk)) {
    let recorded = false;
    for (let attempt = 1; attempt <= 3 && !recorded; attempt++) {
      const ids = [result.person_id, ...(result.undo?.absorbed ?? []).map((p) => p.id)].filter(
        (x): x is string => !!x,
      );
      const current = await deps.people.getMany(item.tenant_id, ids);
      const now = deps.clock.now();
      const undo = undoOf(result, current, now);
      const outcome = await deps.people.commit({
        tenantId: item.tenant_id,
        importId: item.id,
        slot: 'undo',
        result: {
          row: result.row,
          outcome: undo.outcome,
          person_id: result.person_id,
          errors: undo.message ? [{ code: 'conflict', message: undo.message }] : [],
          action_id: action.id,
        },
        effect: undo.effect,
        now,
      });
      recorded = outcome === 'committed' || outcome === 'already_recorded';
    }
    if (!recorded) {
      // Kept losing to concurrent writers: leave the person alone and say so.
      await deps.people.commit({
        tenantId: item.tenant_id,
        importId: item.id,
        slot: 'undo',
        result: {
          row: result.row,
          outcome: 'conflict',
          person_id: result.person_id,
          errors: [
            {
              code: 'conflict',
              message: `Person ${result.person_id} kept changing while the import was reverted`,
            },
          ],
          action_id: action.id,
        },
        effect: NO_EFFECT,
        now: deps.clock.now(),
      });
    }
  }
  return countUndone(deps.imports, item, chunk);
}

/** The chunk ended in the dead-letter queue: its rows stay as the import left them, unprocessed. */
export async function abandonRevertRows(
  deps: RevertDeps,
  item: Import,
  action: Action,
  chunk: number,
): Promise<ChunkCounts> {
  for (const result of await toUndo(deps.imports, item, chunk)) {
    await deps.people.commit({
      tenantId: item.tenant_id,
      importId: item.id,
      slot: 'undo',
      result: {
        row: result.row,
        outcome: 'unprocessed',
        person_id: result.person_id,
        errors: [],
        action_id: action.id,
      },
      effect: NO_EFFECT,
      now: deps.clock.now(),
    });
  }
  return countUndone(deps.imports, item, chunk);
}

/** The chunk's results of one slot: the rows' own (`row`) or their undo records (`undo`). */
async function resultsOf(
  imports: ImportStore,
  item: Import,
  chunk: number,
  slot: 'row' | 'undo',
): Promise<RowResult[]> {
  const { first, last } = rowRangeOfChunk(chunk, item.total_rows);
  return last < first ? [] : imports.rowResults(item.tenant_id, item.id, first, last, slot);
}

/** The chunk's rows the import changed and the revert has not recorded yet, last row first. */
async function toUndo(imports: ImportStore, item: Import, chunk: number): Promise<RowResult[]> {
  const done = new Set((await resultsOf(imports, item, chunk, 'undo')).map((r) => r.row));
  return (await resultsOf(imports, item, chunk, 'row'))
    .filter((r) => REVERTIBLE.has(r.outcome) && !done.has(r.row))
    .reverse();
}

/** The revert's outcomes in the chunk; a revert changes none of the import's own counters. */
async function countUndone(imports: ImportStore, item: Import, chunk: number): Promise<ChunkCounts> {
  const counters: Counters = emptyCounters();
  for (const r of await resultsOf(imports, item, chunk, 'undo')) counters[r.outcome] += 1;
  return { actionCounters: counters, importDelta: emptyCounters() };
}

/** How to undo one row, given the people as they are now. */
function undoOf(
  result: RowResult,
  current: ReadonlyMap<string, Person>,
  now: string,
): { outcome: RowResult['outcome']; effect: Effect; message?: string } {
  const undo = result.undo;
  const id = result.person_id;
  if (!undo || !id) return { outcome: 'unchanged', effect: NO_EFFECT };
  const person = current.get(id) ?? null;
  const restored = (p: Person, previous: Person | null): { person: Person; previous: Person | null } => ({
    person: { ...p, version: (previous?.version ?? p.version) + 1, updated_in_db_at: now },
    previous,
  });
  const changedSince = () => ({
    outcome: 'conflict' as const,
    effect: NO_EFFECT,
    message: `Person ${id} changed after this import (version ${person?.version ?? 'deleted'}, the import left ${undo.after_version})`,
  });

  if (result.outcome === 'deleted') {
    if (person !== null || !undo.before) return changedSince();
    return { outcome: 'created', effect: { puts: [restored(undo.before, null)], deletes: [] } };
  }
  if (person === null || person.version !== undo.after_version) return changedSince();
  if (result.outcome === 'created') return { outcome: 'deleted', effect: { puts: [], deletes: [person] } };
  if (!undo.before) return changedSince();
  const absorbed = undo.absorbed.filter((p) => !current.has(p.id)).map((p) => restored(p, null));
  return { outcome: 'updated', effect: { puts: [restored(undo.before, person), ...absorbed], deletes: [] } };
}
