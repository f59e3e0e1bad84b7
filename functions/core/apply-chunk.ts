import { type ApplyTarget, applyRows, type EngineDeps } from './apply-rows.js';
import { type ChunkCounts, rowStubs } from './chunks.js';
import { inferFieldType } from './fields.js';
import {
  type ChunkStore,
  type CommitOutcome,
  type FieldStore,
  type ImportStore,
  NO_EFFECT,
  type PeopleStore,
  type RowCommit,
} from './ports.js';
import {
  type Action,
  type ChunkRef,
  type ChunkRow,
  emptyCounters,
  type Import,
  type RowOutcome,
  type RowResult,
} from './types.js';

/**
 * The steps of a process or retry_failed chunk: apply its rows, or abandon them (a cancelled
 * import, or a chunk that ended in the dead-letter queue). Each does only the rows the action has
 * not done yet, so a redelivered chunk writes nothing twice, and answers the chunk's counts.
 */

export interface ApplyChunkDeps extends EngineDeps {
  imports: ImportStore;
  chunks: ChunkStore;
  fields: FieldStore;
}

const RETRYABLE: ReadonlySet<RowOutcome> = new Set(['failed', 'unprocessed']);

/**
 * Applies a chunk's rows that this action has still to do, and counts the chunk from the results
 * read before (rows done earlier) and those this delivery recorded, without reading them again.
 * Only the rows whose result the store says is already there (a concurrent delivery recorded it
 * first, perhaps with another outcome) are read back, from as soon as the store says so.
 */
export async function applyChunkRows(
  deps: ApplyChunkDeps,
  item: Import,
  action: Action,
  ref: ChunkRef,
): Promise<ChunkCounts> {
  const rows = await deps.chunks.read(ref);
  const { due, replacing, before } = await dueRows(deps.imports, item, action, rows);
  await ensureFields(deps, item, due);
  const target: ApplyTarget = {
    tenantId: item.tenant_id,
    importId: item.id,
    actionId: action.id,
    workspace: item.workspace,
    options: item.options,
    replacing,
    recorded: async (numbers) => {
      const wanted = new Set(numbers);
      const results = await resultsOf(
        deps.imports,
        item,
        rows.filter((row) => wanted.has(row.row)),
      );
      return new Map(
        results.filter((r) => r.action_id === action.id && wanted.has(r.row)).map((r) => [r.row, r]),
      );
    },
  };
  const watched = watchCommits(deps.people, (first, last) =>
    deps.imports.rowResults(item.tenant_id, item.id, first, last),
  );
  const applied = await applyRows({ ...deps, people: watched.people }, target, due);
  const { flagged, elsewhere } = await watched.recordedElsewhere();
  const mine = applied.filter((entry) => entry !== undefined && !flagged.has(entry.result.row));
  if (elsewhere.size !== flagged.size || mine.length + flagged.size !== due.length) {
    // A due row not accounted for (a store that answered otherwise): count what is recorded.
    return countApplied(await resultsOf(deps.imports, item, rows), action.id);
  }
  const recorded = new Map(before);
  for (const { result } of mine) recorded.set(result.row, result);
  for (const [row, result] of elsewhere) recorded.set(row, result);
  return countApplied([...recorded.values()], action.id);
}

/**
 * The people store, watched: each commit of row results that answers `already_recorded` (the
 * result recorded is another delivery's, not the one this delivery planned) has those rows'
 * results read at once, while the chunk goes on. Once recorded for an action, a row's result does
 * not change, so the read gives what counts.
 */
function watchCommits(
  people: PeopleStore,
  read: (first: number, last: number) => Promise<RowResult[]>,
): {
  people: PeopleStore;
  recordedElsewhere: () => Promise<{ flagged: Set<number>; elsewhere: Map<number, RowResult> }>;
} {
  const reads: Promise<RowResult[]>[] = [];
  const rowsOf = new Map<Promise<RowResult[]>, Set<number>>();
  const note = (changes: RowCommit[], outcomes: CommitOutcome[]) => {
    const rows = new Set(
      changes.flatMap((change, i) =>
        change.slot === 'row' && outcomes[i] === 'already_recorded' ? [change.result.row] : [],
      ),
    );
    if (rows.size === 0) return outcomes;
    const pending = read(Math.min(...rows), Math.max(...rows));
    // Awaited once the rows are applied; a failure meanwhile is not an unhandled rejection.
    pending.catch(() => undefined);
    reads.push(pending);
    rowsOf.set(pending, rows);
    return outcomes;
  };
  const watched: PeopleStore = new Proxy(people, {
    get(target, property) {
      if (property === 'commitMany')
        return async (changes: RowCommit[]) => note(changes, await target.commitMany(changes));
      if (property === 'commit')
        return async (change: RowCommit) => note([change], [await target.commit(change)])[0] as CommitOutcome;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  const recordedElsewhere = async () => {
    const flagged = new Set<number>();
    const elsewhere = new Map<number, RowResult>();
    for (const pending of reads) {
      const rows = rowsOf.get(pending) ?? new Set();
      for (const row of rows) flagged.add(row);
      for (const result of await pending) if (rows.has(result.row)) elsewhere.set(result.row, result);
    }
    return { flagged, elsewhere };
  };
  return { people: watched, recordedElsewhere };
}

/** Chunks not started before a cancel, or given up on, are not applied: their rows are unprocessed. */
export async function abandonChunkRows(
  deps: Pick<ApplyChunkDeps, 'imports' | 'people' | 'clock'>,
  item: Import,
  action: Action,
  chunk: number,
): Promise<ChunkCounts> {
  // Abandoning needs only the row numbers: the chunk itself may be what cannot be read.
  const rows = rowStubs(item, chunk);
  const { due, replacing } = await dueRows(deps.imports, item, action, rows);
  const now = deps.clock.now();
  await deps.people.commitMany(
    due.map((row) => ({
      tenantId: item.tenant_id,
      importId: item.id,
      slot: 'row' as const,
      result: {
        row: row.row,
        outcome: 'unprocessed' as const,
        person_id: null,
        errors: [],
        action_id: action.id,
        ...(replacing.has(row.row) ? { replaced: replacing.get(row.row) } : {}),
      },
      effect: NO_EFFECT,
      now,
    })),
  );
  return countApplied(await resultsOf(deps.imports, item, rows), action.id);
}

/** The recorded results of these rows (consecutive rows of one chunk). */
async function resultsOf(imports: ImportStore, item: Import, rows: ChunkRow[]): Promise<RowResult[]> {
  const first = rows[0]?.row ?? 1;
  const last = rows[rows.length - 1]?.row ?? 0;
  return rows.length === 0 ? [] : imports.rowResults(item.tenant_id, item.id, first, last);
}

/**
 * The rows this action has still to do: those without a result, and for retry_failed those whose
 * result (from another action) failed or went unprocessed; with the outcomes they replace.
 */
async function dueRows(
  imports: ImportStore,
  item: Import,
  action: Action,
  rows: ChunkRow[],
): Promise<{ due: ChunkRow[]; replacing: Map<number, RowOutcome>; before: Map<number, RowResult> }> {
  const before = new Map((await resultsOf(imports, item, rows)).map((r) => [r.row, r]));
  const due = rows.filter((row) => {
    const existing = before.get(row.row);
    if (existing === undefined) return true;
    return (
      existing.action_id !== action.id && action.type === 'retry_failed' && RETRYABLE.has(existing.outcome)
    );
  });
  const replacing = new Map(
    due.flatMap((row) => {
      const previous = before.get(row.row);
      return previous ? [[row.row, previous.outcome] as const] : [];
    }),
  );
  return { due, replacing, before };
}

/** Creates the fields a chunk's rows need that do not exist yet (create_missing_fields). */
async function ensureFields(deps: ApplyChunkDeps, item: Import, rows: ChunkRow[]): Promise<void> {
  if (!item.options.create_missing_fields) return;
  const keys = new Map<string, string | number | boolean>();
  for (const row of rows) {
    for (const [key, value] of Object.entries(row.input.attributes)) if (value !== null) keys.set(key, value);
  }
  if (keys.size === 0) return;
  const existing = new Set((await deps.fields.list(item.tenant_id, item.workspace)).map((f) => f.key));
  const missing = [...keys].filter(([key]) => !existing.has(key));
  if (missing.length > 0) {
    await deps.fields.ensure(
      item.tenant_id,
      item.workspace,
      missing.map(([key, value]) => ({ key, label: key, type: inferFieldType(value) })),
    );
  }
}

/** This action's outcomes in the chunk, and how the import's per-row outcomes changed. */
function countApplied(after: RowResult[], actionId: string): ChunkCounts {
  const actionCounters = emptyCounters();
  const importDelta = emptyCounters();
  for (const result of after) {
    if (result.action_id !== actionId) continue;
    actionCounters[result.outcome] += 1;
    importDelta[result.outcome] += 1;
    if (result.replaced !== undefined) importDelta[result.replaced] -= 1;
  }
  return { actionCounters, importDelta };
}
