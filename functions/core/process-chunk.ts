import { identifiersOf, identityKey } from './identifiers.js';
import { planRow, type RowPlan } from './planner.js';
import type { ChunkStore, Clock, IdGenerator, ImportStore, PeopleStore } from './ports.js';
import {
  type ChunkRef,
  type ChunkRow,
  emptyCounters,
  type IdentifierKind,
  type Import,
  type Person,
  type RowResult,
} from './types.js';

export interface ProcessChunkDeps {
  imports: ImportStore;
  people: PeopleStore;
  chunks: ChunkStore;
  clock: Clock;
  ids: IdGenerator;
}

/** How many times a row is re-planned when a concurrent writer got in first. */
const MAX_ATTEMPTS = 5;

/**
 * Applies one chunk of an import. Safe to run twice, concurrently or after a crash: every row's
 * effect is written together with its result at most once, and the chunk's counters are added
 * to the import once.
 */
export async function processChunk(deps: ProcessChunkDeps, ref: ChunkRef): Promise<Import | null> {
  const { imports, chunks } = deps;
  const current = await imports.get(ref.tenant_id, ref.import_id);
  if (current === null) return null;
  if (current.status === 'queued') {
    await imports.transition(ref.tenant_id, ref.import_id, ['queued'], 'processing', deps.clock.now());
  } else if (current.status !== 'processing') {
    return current;
  }

  const rows = await chunks.read(ref);
  const first = rows[0]?.row ?? 0;
  const last = rows[rows.length - 1]?.row ?? 0;
  const done = new Map(
    (await imports.rowResults(ref.tenant_id, ref.import_id, first, last)).map((r) => [r.row, r]),
  );
  const pending = rows.filter((r) => !done.has(r.row));

  const ctx = await lookUp(deps, current, pending);
  for (const row of pending) {
    done.set(row.row, await applyRow(deps, current, row, ctx));
  }

  const counters = emptyCounters();
  for (const result of done.values()) counters[result.outcome] += 1;
  const updated = await imports.completeChunk(ref, counters, deps.clock.now());
  if (updated.status === 'processing' && updated.chunks_done === updated.chunks_total) {
    const status =
      updated.counters.failed + updated.counters.unprocessed > 0 ? 'completed_with_errors' : 'completed';
    await imports.finalize(ref.tenant_id, ref.import_id, status, deps.clock.now());
    return (await imports.get(ref.tenant_id, ref.import_id)) ?? updated;
  }
  return updated;
}

/** Identifier owners and people, looked up in bulk for a set of rows and kept current as rows commit. */
interface Lookups {
  owners: Map<string, string>;
  people: Map<string, Person>;
}

const keysOf = (rows: ChunkRow[]): string[] => {
  const keys = new Set<string>();
  for (const row of rows) {
    for (const [kind, value] of Object.entries(identifiersOf(row.record).identifiers)) {
      keys.add(identityKey(kind as IdentifierKind, value));
    }
  }
  return [...keys];
};

async function lookUp(deps: ProcessChunkDeps, item: Import, rows: ChunkRow[]): Promise<Lookups> {
  const keys = keysOf(rows);
  const owners = keys.length > 0 ? await deps.people.owners(item.tenant_id, item.workspace, keys) : new Map();
  const people = await deps.people.getMany(item.tenant_id, [...new Set(owners.values())]);
  return { owners, people };
}

function remember(lookups: Lookups, plan: RowPlan): void {
  if (plan.kind !== 'write') return;
  const { before, after } = plan;
  for (const [kind, value] of Object.entries(before?.identifiers ?? {})) {
    lookups.owners.delete(identityKey(kind as IdentifierKind, value));
  }
  for (const [kind, value] of Object.entries(after.identifiers)) {
    lookups.owners.set(identityKey(kind as IdentifierKind, value), after.id);
  }
  lookups.people.set(after.id, after);
}

async function applyRow(
  deps: ProcessChunkDeps,
  item: Import,
  row: ChunkRow,
  lookups: Lookups,
): Promise<RowResult> {
  for (let attempt = 1; ; attempt++) {
    const plan = planRow(row, item.options, {
      workspace: item.workspace,
      owners: lookups.owners,
      people: lookups.people,
      now: deps.clock.now(),
      newPersonId: () => deps.ids.next(),
    });
    const racing = plan.result.errors.some((e) => e.code === 'stale_identity');
    const outcome = racing
      ? 'stale'
      : await deps.people.commit({
          tenantId: item.tenant_id,
          importId: item.id,
          before: plan.kind === 'write' ? plan.before : null,
          after: plan.kind === 'write' ? plan.after : null,
          result: plan.result,
          now: deps.clock.now(),
        });
    if (outcome === 'committed') {
      remember(lookups, plan);
      return plan.result;
    }
    if (outcome === 'already_recorded') {
      const [recorded] = await deps.imports.rowResults(item.tenant_id, item.id, row.row, row.row);
      if (recorded) return recorded;
    }
    if (attempt >= MAX_ATTEMPTS) {
      if (racing) return plan.result;
      throw new Error(
        `Row ${row.row} of import ${item.id} kept conflicting with concurrent writers (${outcome})`,
      );
    }
    // Someone else wrote first: look this row's identifiers up again and plan it afresh.
    const fresh = await lookUp(deps, item, [row]);
    for (const key of keysOf([row])) {
      const owner = fresh.owners.get(key);
      if (owner === undefined) lookups.owners.delete(key);
      else lookups.owners.set(key, owner);
    }
    for (const [id, person] of fresh.people) lookups.people.set(id, person);
  }
}
