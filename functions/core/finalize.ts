import { canMove, move } from './import-status.js';
import { pointedAt } from './matched.js';
import type { ChunkStore, Clock, ImportStore, PeopleStore, ResultFiles } from './ports.js';
import { writeResultFiles } from './result-files.js';
import type { Action, Counters, Import } from './types.js';

export interface FinalizeDeps {
  imports: ImportStore;
  chunks: ChunkStore;
  people: PeopleStore;
  files: ResultFiles;
  clock: Clock;
}

const SWEEP_PAGE = 500;

/** Final status of a run from its counters. */
export const finalStatusOf = (counters: Counters): 'completed' | 'completed_with_errors' =>
  counters.failed + counters.conflict + counters.unprocessed > 0 ? 'completed_with_errors' : 'completed';

/**
 * Runs once every chunk of an action is counted. Safe to run again (a redelivered last chunk):
 * each step is conditional or idempotent, and an import already final is left as it is.
 */
export async function finalizeAction(deps: FinalizeDeps, item: Import, action: Action): Promise<void> {
  const { imports, clock } = deps;
  if (action.type === 'revert') {
    await restoreSweep(deps, item);
    const status = finalStatusOf(action.counters);
    // The action ends before the import's move, as below: the move's event carries the action as it ended.
    await imports.finishAction(item.tenant_id, item.id, action.id, status, clock.now());
    await imports.update(
      item.tenant_id,
      item.id,
      ...move('reverted', { completed_at: clock.now() }),
      clock.now(),
    );
    return;
  }
  if (item.status === 'cancelling') {
    // Every chunk is counted: the counters are what was really written, and no row changes any more.
    const files = await writeResultFiles(deps, item);
    await imports.finishAction(item.tenant_id, item.id, action.id, 'cancelled', clock.now());
    await imports.update(
      item.tenant_id,
      item.id,
      ...move('cancel_completed', { files, completed_at: clock.now() }),
      clock.now(),
    );
    return;
  }
  if (canMove('last_chunk_counted', item.status)) {
    if (!(await imports.update(item.tenant_id, item.id, ...move('last_chunk_counted'), clock.now()))) return;
  } else if (item.status !== 'finalizing') {
    return;
  }

  let counters = item.counters;
  let actionCounters = action.counters;
  if (action.type === 'process' && item.options.delete_unmatched && action.counters.unprocessed === 0) {
    const swept = await sweepUnmatched(deps, item);
    counters = { ...counters, deleted: counters.deleted + swept };
    actionCounters = { ...actionCounters, deleted: actionCounters.deleted + swept };
  }
  const status = finalStatusOf(counters);
  const files = await writeResultFiles(deps, { ...item, counters });
  await imports.finishAction(
    item.tenant_id,
    item.id,
    action.id,
    finalStatusOf(actionCounters),
    clock.now(),
    actionCounters,
  );
  await imports.update(
    item.tenant_id,
    item.id,
    ...move('finalized', { status, counters, files, completed_at: clock.now() }),
    clock.now(),
  );
}

async function allResults(deps: FinalizeDeps, item: Import, slot: 'row' | 'sweep') {
  const results = [];
  let cursor: string | undefined;
  do {
    const page = await deps.imports.listRows(item.tenant_id, item.id, { limit: 1000, cursor, slot });
    results.push(...page.items);
    cursor = page.cursor ?? undefined;
  } while (cursor);
  return results;
}

/**
 * delete_unmatched: deletes the workspace's people that no row of the import matched. Each
 * deletion is recorded (with the person as it was, for revert) once, so a re-run deletes no one twice.
 * Returns how many people the import's sweep has deleted in all.
 */
async function sweepUnmatched(deps: FinalizeDeps, item: Import): Promise<number> {
  const matched = new Set<string>();
  for (const result of await allResults(deps, item, 'row'))
    if (result.person_id) matched.add(result.person_id);
  // A row matches the people its identifiers point at, whatever its outcome (failed, skipped, superseded).
  for (let chunk = 0; chunk < item.chunks_total; chunk++) {
    const rows = await deps.chunks.read({ tenant_id: item.tenant_id, import_id: item.id, chunk });
    for (const id of await pointedAt(deps.people, item, rows)) matched.add(id);
  }
  let cursor: string | undefined;
  do {
    const page = await deps.people.listByWorkspace(item.tenant_id, item.workspace, SWEEP_PAGE, cursor);
    for (const person of page.items) {
      if (matched.has(person.id)) continue;
      await deps.people.commit({
        tenantId: item.tenant_id,
        importId: item.id,
        slot: 'sweep',
        result: {
          row: 0,
          outcome: 'deleted',
          person_id: person.id,
          errors: [],
          action_id: item.action_id ?? undefined,
          undo: { before: person, absorbed: [], after_version: null },
        },
        effect: { puts: [], deletes: [person] },
        now: deps.clock.now(),
      });
    }
    cursor = page.cursor ?? undefined;
  } while (cursor);
  return (await allResults(deps, item, 'sweep')).length;
}

/** Revert: brings back the people delete_unmatched deleted, unless someone took their identifiers since. */
async function restoreSweep(deps: FinalizeDeps, item: Import): Promise<void> {
  for (const swept of await allResults(deps, item, 'sweep')) {
    const before = swept.undo?.before;
    if (!before) continue;
    const now = deps.clock.now();
    await deps.people.commit({
      tenantId: item.tenant_id,
      importId: item.id,
      slot: 'unsweep',
      result: {
        row: 0,
        outcome: 'created',
        person_id: before.id,
        errors: [],
        action_id: item.action_id ?? undefined,
      },
      effect: {
        puts: [{ person: { ...before, version: before.version + 1, updated_in_db_at: now }, previous: null }],
        deletes: [],
      },
      now,
    });
  }
}
