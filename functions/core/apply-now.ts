import { type AppliedRow, applyRows } from './apply-rows.js';
import { defaultOptions, newImport } from './create-import.js';
import { type Field, inferFieldType } from './fields.js';
import { finalStatusOf } from './finalize.js';
import { INITIAL_STATUS, move } from './import-status.js';
import { normalizeRow } from './normalize-row.js';
import type { Clock, FieldStore, IdGenerator, ImportStore, PeopleStore, PersonIdGenerator } from './ports.js';
import {
  type Action,
  type ChunkRow,
  emptyCounters,
  type Import,
  type ImportOptions,
  type RowInput,
} from './types.js';

export interface ApplyNowDeps {
  imports: ImportStore;
  people: PeopleStore;
  fields: FieldStore;
  clock: Clock;
  ids: IdGenerator;
  actionIds: IdGenerator;
  personIds: PersonIdGenerator;
}

/**
 * A small synchronous import (MPDX's bulk endpoints): the rows are validated and applied in the
 * request, through the same engine, and recorded as an import with its row results like any other,
 * so they can be listed and reverted. Returns each row's result and person, in order.
 */
export async function applyNow(
  deps: ApplyNowDeps,
  input: {
    tenantId: string;
    workspace: string;
    rows: RowInput[];
    options?: Partial<ImportOptions>;
    surface: string;
    meta?: Record<string, unknown>;
  },
): Promise<{ item: Import; applied: AppliedRow[] }> {
  const options: ImportOptions = { ...defaultOptions(), skip_invalid: true, ...input.options };
  const now = deps.clock.now();
  const base = newImport(deps, { ...input, options }, 'json');
  const action: Action = {
    id: deps.actionIds.next(),
    import_id: base.id,
    type: 'process',
    status: 'running',
    counters: emptyCounters(),
    chunks_total: 0,
    chunks_done: 0,
    created_at: now,
    updated_at: now,
    completed_at: null,
  };
  const item: Import = {
    ...base,
    status: INITIAL_STATUS.applied_at_once,
    total_rows: input.rows.length,
    action_id: action.id,
  };
  await deps.imports.create(item);
  await deps.imports.recordAction(input.tenantId, action);

  const fields = new Map<string, Field>(
    (await deps.fields.list(input.tenantId, input.workspace)).map((f) => [f.key, f]),
  );
  const rows: ChunkRow[] = input.rows.map((raw, i) => {
    const normalized = normalizeRow(raw, { fields, options });
    return { row: i + 1, input: normalized.input, errors: normalized.errors };
  });
  const missing = new Map<string, string | number | boolean>();
  for (const row of rows) {
    for (const [key, value] of Object.entries(row.input.attributes)) {
      if (value !== null && !fields.has(key) && row.errors.length === 0) missing.set(key, value);
    }
  }
  if (options.create_missing_fields && missing.size > 0) {
    await deps.fields.ensure(
      input.tenantId,
      input.workspace,
      [...missing].map(([key, value]) => ({ key, label: key, type: inferFieldType(value) })),
    );
  }

  const applied = await applyRows(
    deps,
    { tenantId: input.tenantId, importId: item.id, actionId: action.id, workspace: input.workspace, options },
    rows,
  );
  const counters = emptyCounters();
  for (const { result } of applied) counters[result.outcome] += 1;
  const status = finalStatusOf(counters);
  const done = deps.clock.now();
  await deps.imports.finishAction(input.tenantId, item.id, action.id, status, done, counters);
  const final = { counters, completed_at: done };
  if (
    await deps.imports.update(input.tenantId, item.id, ...move('applied_at_once', { status, ...final }), done)
  ) {
    return { item: { ...item, status, ...final }, applied };
  }
  // Cancelled (through the native API) while the rows were applied: cancelled, with what was written.
  await deps.imports.update(input.tenantId, item.id, ...move('cancel_completed', final), done);
  return { item: { ...item, status: 'cancelled', ...final }, applied };
}
