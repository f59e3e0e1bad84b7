import { finalizeAction } from './finalize.js';
import { type Effect, NO_EFFECT } from './ports.js';
import { type ProcessDeps, rowStubs } from './process-chunk.js';
import {
  type Action,
  type Counters,
  emptyCounters,
  type Import,
  type Person,
  type RowResult,
  type WorkMessage,
} from './types.js';

const REVERTIBLE = new Set(['created', 'updated', 'merged', 'deleted']);

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

/**
 * Reverts one chunk of a finished import, its rows in reverse order. A person changed since the
 * import is left alone and reported as a conflict.
 */
export async function revertChunk(
  deps: ProcessDeps,
  item: Import,
  action: Action,
  message: WorkMessage,
  mode: 'apply' | 'abandon' = 'apply',
) {
  const { imports } = deps;
  if (item.status !== 'reverting') return;
  const rows = rowStubs(item, message.chunk);
  const first = rows[0]?.row ?? 1;
  const last = rows[rows.length - 1]?.row ?? 0;
  const resultsOf = async (slot: 'row' | 'undo') =>
    rows.length === 0 ? [] : imports.rowResults(item.tenant_id, item.id, first, last, slot);
  const done = new Set((await resultsOf('undo')).map((r) => r.row));
  const results = (await resultsOf('row'))
    .filter((r) => REVERTIBLE.has(r.outcome) && !done.has(r.row))
    .reverse();

  for (const result of results) {
    if (mode === 'abandon') {
      // The chunk ended in the dead-letter queue: its rows stay as the import left them.
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
      continue;
    }
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

  const counters: Counters = emptyCounters();
  for (const r of await resultsOf('undo')) counters[r.outcome] += 1;
  const progress = await imports.completeChunk(message, counters, emptyCounters(), deps.clock.now());
  if (progress.action.chunks_done >= progress.action.chunks_total) {
    await finalizeAction(deps, progress.import, progress.action);
  }
}
